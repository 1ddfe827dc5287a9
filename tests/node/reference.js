// Runs the reference CDN-token libraries for tests/it/cdn_references.rs:
// `node reference.js <mode>` reads a JSON array of cases on stdin and
// prints a JSON array of results, one per case.
'use strict';
const EdgeAuth = require('akamai-edgeauth');
const { getSignedUrl, getSignedCookies } = require('@aws-sdk/cloudfront-signer');
const { CAT } = require('@eyevinn/cat');

const modes = {
  edgeauth: async (c) => {
    const e = new EdgeAuth({
      key: c.key, algorithm: c.alg, salt: c.salt, ip: c.ip, payload: c.data,
      sessionId: c.id, startTime: c.st, endTime: c.exp, escapeEarly: false,
    });
    return c.acl ? e.generateACLToken(c.acl) : e.generateURLToken(c.url);
  },
  cloudfront: async (c) => {
    const opts = { url: c.url, keyPairId: c.keyPairId, privateKey: c.pem };
    if (c.algorithm === 'SHA256') opts.algorithm = 'SHA256';
    if (c.policy) {
      opts.policy = c.policy;
    } else {
      opts.dateLessThan = new Date(c.dateLessThan * 1000);
      if (c.dateGreaterThan) opts.dateGreaterThan = new Date(c.dateGreaterThan * 1000);
      if (c.ipAddress) opts.ipAddress = c.ipAddress;
    }
    return c.cookies ? getSignedCookies(opts) : getSignedUrl(opts);
  },
  'cat-generate': async (c) => {
    const cat = new CAT({ keys: { [c.kid]: Buffer.from(c.keyHex, 'hex') }, expectCwtTag: true });
    return cat.generateFromJson(c.claims, { type: 'mac', alg: 'HS256', kid: c.kid });
  },
  'cat-validate': async (c) => {
    const cat = new CAT({ keys: { [c.kid]: Buffer.from(c.keyHex, 'hex') }, expectCwtTag: true });
    try {
      const opts = { issuer: c.issuer, url: new URL(c.url) };
      if (c.ip) opts.ip = c.ip;
      const r = await cat.validate(c.token, 'mac', opts);
      return r.error ? { ok: false, error: r.error.message } : { ok: true, claims: r.cat.claims };
    } catch (err) {
      return { ok: false, error: String(err && err.message) };
    }
  },
};

(async () => {
  const mode = modes[process.argv[2]];
  if (!mode) throw new Error(`mode must be one of ${Object.keys(modes).join(', ')}`);
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const out = [];
  for (const c of JSON.parse(input)) out.push(await mode(c));
  process.stdout.write(JSON.stringify(out));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
