// Runs a k6 script's VU code under Node.js for a smoke check, where the k6
// binary cannot be installed: the subset of k6's API that player.js uses
// (k6/http get/post with expectedStatuses, check, group, sleep, __ENV,
// options.thresholds on http_req_failed / checks / http_req_duration p(99)).
// Requests go through curl, one at a time, so this checks the flow and the
// node's answers, not throughput (use k6 itself, or goose, for load).
//
//   node loadtest/k6/shim.mjs loadtest/k6/player.js   (SHIM_VUS=2 SHIM_ITERATIONS=20)
//
// Exit status 1 when a threshold fails, as `k6 run` does.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const file = process.argv[2] || new URL('./player.js', import.meta.url).pathname;
const source = readFileSync(file, 'utf8');
const stats = { requests: 0, failed: 0, checks: 0, checksFailed: 0, durations: [], byName: {} };

function request(method, url, body, params = {}) {
  const args = ['-s', '-o', '-', '-w', '\n%{http_code} %{time_total}', '-X', method, url];
  for (const [k, v] of Object.entries(params.headers || {})) args.push('-H', `${k}: ${v}`);
  if (body !== null && body !== undefined) args.push('--data-binary', body);
  else if (method === 'POST') args.push('-H', 'Content-Length: 0');
  const out = execFileSync('curl', args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  const cut = out.lastIndexOf('\n');
  const [code, seconds] = out.slice(cut + 1).split(' ');
  const status = parseInt(code, 10);
  const text = out.slice(0, cut);
  const expected = params.responseCallback ? params.responseCallback.expected
    : new Set(Array.from({ length: 200 }, (_, i) => 200 + i));
  const name = (params.tags && params.tags.name) || url;
  const entry = stats.byName[name] || (stats.byName[name] = {});
  entry[status] = (entry[status] || 0) + 1;
  stats.requests++;
  if (!expected.has(status)) {
    stats.failed++;
    console.error(`unexpected ${status} for ${name}: ${text.slice(0, 200)}`);
  }
  stats.durations.push(parseFloat(seconds) * 1000);
  return { status, body: text, json: () => JSON.parse(text) };
}

const http = {
  get: (url, params) => request('GET', url, null, params),
  post: (url, body, params) => request('POST', url, body, params),
  expectedStatuses: (...codes) => ({ expected: new Set(codes) }),
};
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const k6 = {
  check(value, checks) {
    let all = true;
    for (const [name, fn] of Object.entries(checks)) {
      stats.checks++;
      if (!fn(value)) {
        stats.checksFailed++;
        all = false;
        console.error(`check failed: ${name}`);
      }
    }
    return all;
  },
  group: (_name, fn) => fn(),
  sleep: (s) => Atomics.wait(sleeper, 0, 0, s * 1000),
};

// ES module syntax to a script body the shim can evaluate per VU.
const body = source
  .replace(/^import http from 'k6\/http';$/m, 'const http = __k6.http;')
  .replace(/^import \{([^}]*)\} from 'k6';$/m, 'const {$1} = __k6.k6;')
  .replace(/^export const options =/m, '__exports.options =')
  .replace(/^export default function/m, '__exports.default = function');
if (/^\s*(import|export)\s/m.test(body)) throw new Error('player.js uses k6 API the shim does not know');

const vus = parseInt(process.env.SHIM_VUS || '2', 10);
const iterations = parseInt(process.env.SHIM_ITERATIONS || '20', 10);
const instances = [];
for (let vu = 1; vu <= vus; vu++) {
  const exports = {};
  vm.runInNewContext(body, { __k6: { http, k6 }, __exports: exports, __ENV: process.env, __VU: vu, Math, JSON, console });
  instances.push(exports);
}
for (let i = 0; i < iterations; i++) for (const vu of instances) vu.default();

const sorted = stats.durations.sort((a, b) => a - b);
const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] || 0;
const limit = parseInt((instances[0].options.thresholds.http_req_duration[0].match(/<(\d+)/) || [])[1] || '500', 10);
console.log(JSON.stringify(stats.byName, null, 1));
console.log(`requests ${stats.requests}, unexpected ${stats.failed}, checks ${stats.checks} (${stats.checksFailed} failed), p99 ${p99.toFixed(1)} ms`);
const failed = [];
if (stats.requests === 0) failed.push('no request made');
if (stats.failed > 0) failed.push('http_req_failed rate==0');
if (stats.checksFailed > 0) failed.push('checks rate==1');
if (p99 >= limit) failed.push(`http_req_duration p(99)<${limit}`);
if (failed.length) {
  console.error(`thresholds failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('thresholds met');
