// k6 version of the goose player scenario (loadtest/src/player): each VU is
// a player of the bulk tenant (`playgate demo-data --accounts N`) that signs
// on, reads its entitlements, then plays: content token, lease heartbeat
// (accounts on the two-stream profile get one), URL Builder, in-house test,
// token validation, and every tenth iteration a refresh and two admin-plane
// reads (its devices, its parental thresholds).
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 loadtest/k6/player.js
//
// Environment: BASE_URL (http://127.0.0.1:8080), TENANT (load), ACCOUNTS
// (players are the first N accounts; 1000), CONTENTS (catalogue size;
// ACCOUNTS / 10, 10..100000), VUS (20), DURATION (60s), P99_MS (500).
//
// Thresholds fail the run: any request answered with a status its step does
// not expect (refusals the data explains are expected: 403 on a content of
// another product, on an account not ACTIVE, on a full stream count), any
// failed check, or a p99 over P99_MS.

import http from 'k6/http';
import { check, sleep, group } from 'k6';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const TENANT = __ENV.TENANT || 'load';
const ACCOUNTS = parseInt(__ENV.ACCOUNTS || '1000', 10);
const CONTENTS = parseInt(__ENV.CONTENTS || String(Math.min(100000, Math.max(10, Math.floor(ACCOUNTS / 10)))), 10);
const PRODUCTS = 50;

export const options = {
  vus: parseInt(__ENV.VUS || '20', 10),
  duration: __ENV.DURATION || '60s',
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    http_req_duration: [`p(99)<${parseInt(__ENV.P99_MS || '500', 10)}`],
  },
};

const OK = http.expectedStatuses(200);
const OK_OR_REFUSED = http.expectedStatuses(200, 403);
const OK_OR_GONE = http.expectedStatuses(200, 404);

// Per VU (each VU runs its own copy of this module).
let player = null;
let iteration = 0;

function headers(token) {
  const h = { 'nv-tenant-id': TENANT, 'Content-Type': 'application/json' };
  if (token) h.Authorization = `Bearer ${token}`;
  return { headers: h };
}

function params(token, expected, name) {
  return Object.assign(headers(token), { responseCallback: expected, tags: { name } });
}

function pad(n, width) {
  let s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

function signOn() {
  for (let tries = 0; tries < 20; tries++) {
    const i = Math.floor(Math.random() * ACCOUNTS);
    const body = JSON.stringify({
      username: `user${i}@load.playgate`,
      password: 'load-test-password',
      clientId: `dev-${pad(i, 8)}-0`,
    });
    const r = http.post(`${BASE}/ias/v3/token/actions/signOnByUserNamePassword`, body,
      params(null, OK_OR_REFUSED, 'sign on'));
    if (r.status !== 200) continue; // not ACTIVE: another account
    const tokens = r.json();
    check(tokens, { 'sign-on answer has tokens': (t) => !!t.access_token && !!t.refresh_token });
    const e = http.get(`${BASE}/rmg/v1/user/entitlements`, params(tokens.access_token, OK, 'RMG entitlements'));
    const products = (e.json().resourceSet || [])
      .map((x) => parseInt(String(x.productId).replace('prod-', ''), 10))
      .filter((n) => !isNaN(n));
    return { access: tokens.access_token, refresh: tokens.refresh_token, products, session: null };
  }
  throw new Error('no ACTIVE account among 20 tries: is ACCOUNTS right?');
}

function pickContent(p) {
  const perProduct = Math.max(1, Math.floor(CONTENTS / PRODUCTS));
  let n;
  if (p.products.length === 0 || Math.random() < 0.1) {
    n = Math.floor(Math.random() * CONTENTS);
  } else {
    const product = p.products[Math.floor(Math.random() * p.products.length)];
    n = Math.min(CONTENTS - 1, product + PRODUCTS * Math.floor(Math.random() * perProduct));
  }
  return `DRM_vod-${pad(n, 6)}_DASH`;
}

export default function () {
  if (player === null) player = signOn();
  const p = player;
  iteration++;

  group('play', () => {
    const ct = http.post(`${BASE}/ias/v2/content_token?content_id=${pickContent(p)}`, null,
      params(p.access, OK_OR_REFUSED, 'content token'));
    if (ct.status === 200) {
      const body = ct.json();
      check(body, { 'content token issued': (b) => typeof b.content_token === 'string' });
      if (body.session && body.session.sessionId) p.session = body.session.sessionId;
    }
    if (p.session) {
      const hb = http.post(`${BASE}/sessions/v1/sessions/${p.session}/heartbeat`, null,
        params(p.access, OK_OR_GONE, 'session heartbeat'));
      if (hb.status === 404) p.session = null;
    }
    const ub = http.get(`${BASE}/urlbuilder/v1/playout/content/token?content_id=${pickContent(p)}`,
      params(p.access, OK_OR_REFUSED, 'URL Builder'));
    if (ub.status === 200) check(ub.json(), { 'URL Builder signed a URL': (b) => typeof b.playbackUrl === 'string' });
  });

  group('device', () => {
    http.get(`${BASE}/lds/v1/user/inhouse`, params(p.access, OK, 'in-house test'));
    http.post(`${BASE}/tvs/v1/token/actions/validate`, null, params(p.access, OK, 'token validation'));
  });

  if (iteration % 10 === 0) {
    group('account', () => {
      const r = http.post(`${BASE}/ias/v3/token/actions/refresh`, null, params(p.refresh, OK, 'refresh'));
      if (r.status === 200) {
        const t = r.json();
        p.access = t.access_token;
        p.refresh = t.refresh_token;
      }
      http.get(`${BASE}/adm/v1/user/devices`, params(p.access, OK, 'my devices'));
      http.get(`${BASE}/adm/v1/user/accounts/parentalControl/ratingsThresholds`,
        params(p.access, OK, 'my parental thresholds'));
    });
  }
  sleep(0.1);
}
