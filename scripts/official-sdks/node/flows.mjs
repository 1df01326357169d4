// Descope's official Node SDK (@descope/node-sdk) against descope-emulator.
//
//   DESCOPE_BASE_URL=http://127.0.0.1:4510 node flows.mjs
//
// Env: DESCOPE_BASE_URL (required), DESCOPE_PROJECT_ID (default P2emulatorLocalProject).
// Prints one `ok  <step>  <detail>` line per step; on the first mismatch prints `FAIL <step>`
// with what was expected, what came back, and the last HTTP exchange, then exits 1.
// Run by scripts/check-official-sdks.sh, which starts the emulator and installs the SDK.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import DescopeClient from '@descope/node-sdk';

const baseUrl = (process.env.DESCOPE_BASE_URL || '').replace(/\/$/, '');
const projectId = process.env.DESCOPE_PROJECT_ID || 'P2emulatorLocalProject';
if (!baseUrl) {
  console.error('flows.mjs: set DESCOPE_BASE_URL to the emulator, e.g. http://127.0.0.1:4510');
  process.exit(2);
}

// ---- reporting ------------------------------------------------------------------------

let last = null; // the last HTTP exchange the SDK made, for the failure report

class Mismatch extends Error {}

const ok = (step, detail = '') => console.log(`ok  ${step.padEnd(38)} ${detail}`.trimEnd());

function check(condition, what, got) {
  if (!condition) {
    throw new Mismatch(`expected: ${what}\n  got: ${typeof got === 'string' ? got : JSON.stringify(got)}`);
  }
}

function short(text, max = 600) {
  const s = typeof text === 'string' ? text : JSON.stringify(text);
  return s && s.length > max ? `${s.slice(0, max)}... (${s.length} chars)` : s;
}

/** Runs one step: `fn` returns the detail to print; a throw is a mismatch. */
async function step(name, fn) {
  last = null;
  try {
    ok(name, (await fn()) ?? '');
  } catch (e) {
    console.log(`FAIL ${name}`);
    console.log(`  ${e instanceof Mismatch ? e.message : `the SDK threw: ${e?.stack || e}`}`);
    if (last) {
      console.log(`  last request:  ${last.method} ${last.url}`);
      console.log(`    Authorization: ${short(last.authorization, 80)}`);
      if (last.body) console.log(`    body: ${short(last.body)}`);
      console.log(`  last response: HTTP ${last.status}`);
      console.log(`    body: ${short(last.response)}`);
    }
    console.log(`official Node SDK flows: FAILED at ${name}`);
    process.exit(1);
  }
}

// Node's fetch, recording each exchange (the SDK takes a `fetch` option).
async function recordingFetch(url, init = {}) {
  const response = await globalThis.fetch(url, init);
  const headers = new Headers(init.headers);
  last = {
    method: init.method || 'GET',
    url: String(url),
    authorization: headers.get('authorization') || '',
    body: typeof init.body === 'string' ? init.body : '',
    status: response.status,
    response: await response.clone().text(),
  };
  return response;
}

// ---- emulator helpers (emulator-only routes, not the Descope API) ----------------------

async function lastMessage(address) {
  const r = await fetch(`${baseUrl}/emulator/outbox/last?loginId=${encodeURIComponent(address)}`);
  check(r.ok, `GET /emulator/outbox/last?loginId=${address} answers 200`, `HTTP ${r.status}`);
  const message = await r.json();
  check(message, `the emulator's outbox has a message for ${address}`, message);
  return message;
}

/** An SdkResponse that must be ok; returns its data. */
function okData(resp, what) {
  check(resp?.ok === true, `${what}: the SDK response is ok`, { code: resp?.code, error: resp?.error });
  return resp.data;
}

/** An SdkResponse that must fail with `status` and Descope error code `errorCode`. */
function failed(resp, status, errorCode, what) {
  check(resp?.ok === false, `${what}: the SDK response is not ok`, { code: resp?.code, data: resp?.data });
  check(
    resp.code === status && resp.error?.errorCode === errorCode,
    `${what}: HTTP ${status} with errorCode ${errorCode}`,
    { code: resp.code, error: resp.error },
  );
  return `HTTP ${resp.code} ${resp.error.errorCode} (${resp.error.errorMessage})`;
}

// ---- the flows --------------------------------------------------------------------------

const sdk = DescopeClient({ projectId, baseUrl, fetch: recordingFetch });
const errors = DescopeClient.DescopeErrors; // the SDK's own names for Descope's error codes

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const email = `node-otp-${run}@example.com`;
const newEmail = `node-otp-new-${run}@example.com`;
const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const linkEmail = `node-link-${run}@example.com`;

let session = {}; // { sessionJwt, refreshJwt, userId }

await step('otp.sign_up (email)', async () => {
  const data = okData(await sdk.otp.signUp.email(email, { name: 'Node Flow' }), 'otp.signUp.email');
  check(typeof data.maskedEmail === 'string' && data.maskedEmail.length > 0, 'maskedEmail in the reply', data);
  return `${email} -> ${data.maskedEmail}`;
});

let code;
await step('outbox has the sign-up code', async () => {
  const m = await lastMessage(email);
  check(m.kind === 'otp' && m.channel === 'email' && m.purpose === 'sign_up', 'an email OTP for sign_up', m);
  check(/^\d{6}$/.test(m.code), 'a 6-digit code', m.code);
  code = m.code;
  return `code ${code}`;
});

await step('otp.verify (email)', async () => {
  const data = okData(await sdk.otp.verify.email(email, code), 'otp.verify.email');
  check(data.sessionJwt && data.refreshJwt, 'sessionJwt and refreshJwt in the reply', Object.keys(data));
  check(data.firstSeen === true, 'firstSeen true for a new user', data.firstSeen);
  check(data.user?.email === email && data.user?.loginIds?.includes(email), 'the new user in the reply', data.user);
  check(Array.isArray(data.cookies) && data.cookies.some((c) => c.startsWith('DSR=')), 'the SDK made a DSR cookie', data.cookies);
  session = { sessionJwt: data.sessionJwt, refreshJwt: data.refreshJwt, userId: data.user.userId };
  return `user ${session.userId}`;
});

await step('validateSession (local, JWKS)', async () => {
  const info = await sdk.validateSession(session.sessionJwt);
  check(info.token.sub === session.userId, 'sub is the user ID', info.token);
  check(info.token.iss === projectId, 'iss (normalised by the SDK) is the project ID', info.token.iss);
  check(Array.isArray(info.token.amr) && info.token.amr.includes('otp'), 'amr has otp', info.token.amr);
  check(last?.url === `${baseUrl}/v2/keys/${projectId}`, 'the SDK fetched the JWKS from /v2/keys/{projectId}', last?.url);
  return `sub ${info.token.sub}, amr ${info.token.amr}`;
});

await step('refreshSession', async () => {
  const info = await sdk.refreshSession(session.refreshJwt);
  check(info.jwt && info.token.sub === session.userId, 'a validated session JWT for the user', info.token);
  check(last?.url === `${baseUrl}/v1/auth/refresh`, 'the SDK called /v1/auth/refresh', last?.url);
  if (info.refreshJwt) session.refreshJwt = info.refreshJwt;
  session.sessionJwt = info.jwt;
  return `new session JWT, exp ${info.token.exp}`;
});

await step('otp.update.email + verify', async () => {
  const data = okData(await sdk.otp.update.email(email, newEmail, session.refreshJwt), 'otp.update.email');
  check(typeof data.maskedEmail === 'string', 'maskedEmail in the reply', data);
  const m = await lastMessage(newEmail);
  check(m.to === newEmail && m.loginId === email && m.purpose === 'update_email', 'an update_email code sent to the new address', m);
  const verified = okData(await sdk.otp.verify.email(email, m.code), 'otp.verify.email (update)');
  check(verified.user?.email === newEmail && verified.user?.verifiedEmail === true, 'the user now has the new, verified email', verified.user);
  session.refreshJwt = verified.refreshJwt;
  session.sessionJwt = verified.sessionJwt;
  return `${email}: email now ${verified.user.email}`;
});

await step('otp.update.phone.sms + verify', async () => {
  const data = okData(await sdk.otp.update.phone.sms(email, phone, session.refreshJwt), 'otp.update.phone.sms');
  check(typeof data.maskedPhone === 'string', 'maskedPhone in the reply', data);
  const m = await lastMessage(phone);
  check(m.channel === 'sms' && m.to === phone && m.purpose === 'update_phone', 'an SMS update_phone code to the new phone', m);
  const verified = okData(await sdk.otp.verify.sms(email, m.code), 'otp.verify.sms (update)');
  check(verified.user?.phone === phone && verified.user?.verifiedPhone === true, 'the user now has the new, verified phone', verified.user);
  session.refreshJwt = verified.refreshJwt;
  session.sessionJwt = verified.sessionJwt;
  return `${email}: phone now ${verified.user.phone}`;
});

await step('me', async () => {
  const user = okData(await sdk.me(session.refreshJwt), 'me');
  check(user.userId === session.userId, 'the same user', user);
  check(user.email === newEmail && user.phone === phone, 'the updated email and phone', user);
  check(user.loginIds?.includes(email), 'the original login ID', user.loginIds);
  check(user.name === 'Node Flow', 'the name given at sign-up', user.name);
  return `${user.userId} ${user.email} ${user.phone}`;
});

await step('logout', async () => {
  okData(await sdk.logout(session.refreshJwt), 'logout');
  const after = await sdk.me(session.refreshJwt);
  check(after.ok === false && after.code === 401, 'me with the logged-out refresh JWT fails with 401', { code: after.code, error: after.error });
  return `then me: HTTP ${after.code} ${after.error?.errorCode}`;
});

// ---- magic link with a redirect address --------------------------------------------------

const verifyLink = async (redirect, what) => {
  const m = await lastMessage(linkEmail);
  check(m.kind === 'magic_link' && typeof m.link === 'string', 'a magic link in the outbox', m);
  check(m.link.startsWith(redirect), `the link starts with the redirect address the SDK sent (${redirect})`, m.link);
  const token = new URL(m.link).searchParams.get('t');
  check(token, 'the link carries the token as `t`', m.link);
  const data = okData(await sdk.magicLink.verify(token), `magicLink.verify (${what})`);
  const info = await sdk.validateSession(data.sessionJwt);
  check(info.token.amr?.includes('magiclink'), 'amr has magiclink', info.token.amr);
  return { data, link: m.link };
};

await step('magiclink.sign_up (email, URI)', async () => {
  const redirect = 'http://127.0.0.1:3999/magic/after-sign-up';
  const data = okData(await sdk.magicLink.signUp.email(linkEmail, redirect), 'magicLink.signUp.email');
  check(last?.body.includes('"URI"'), 'the SDK sent the redirect as `URI`', last?.body);
  const { data: verified, link } = await verifyLink(redirect, 'sign-up');
  check(verified.firstSeen === true, 'firstSeen true for a new user', verified.firstSeen);
  return `${data.maskedEmail}: ${link.slice(0, 60)}...`;
});

await step('magiclink.sign_in (email, URI)', async () => {
  const redirect = 'http://127.0.0.1:3999/magic/after-sign-in?from=node';
  okData(await sdk.magicLink.signIn.email(linkEmail, redirect), 'magicLink.signIn.email');
  const { data: verified, link } = await verifyLink(redirect, 'sign-in');
  check(verified.firstSeen === false, 'firstSeen false for a known user', verified.firstSeen);
  return link.slice(0, 70) + '...';
});

// ---- errors ---------------------------------------------------------------------------------

await step('error: wrong OTP code', async () => {
  okData(await sdk.otp.signIn.email(email), 'otp.signIn.email');
  const sent = (await lastMessage(newEmail)).code;
  const wrong = sent === '000000' ? '111111' : '000000';
  return failed(await sdk.otp.verify.email(email, wrong), 401, errors.wrongOTPCode, 'otp.verify.email with a wrong code');
});

await step('error: unknown login ID sign-in', async () =>
  failed(await sdk.otp.signIn.email(`nobody-${run}@example.com`), 400, errors.userNotFound, 'otp.signIn.email for nobody'));

await step('error: another project ID', async () => {
  const other = DescopeClient({ projectId: 'P2someOtherProject', baseUrl, fetch: recordingFetch });
  const detail = failed(await other.otp.signUp.email(`other-${run}@example.com`), 401, 'E014002', 'otp.signUp.email with another project ID');
  let rejected = null;
  try {
    await other.validateSession(session.sessionJwt);
  } catch (e) {
    rejected = e;
  }
  check(rejected, "another project's SDK rejects this project's session JWT", 'validateSession succeeded');
  return `${detail}; validateSession: ${String(rejected.message).slice(0, 70)}`;
});

await step('error: too many wrong codes', async () => {
  okData(await sdk.otp.signIn.email(email), 'otp.signIn.email');
  const sent = (await lastMessage(newEmail)).code;
  const wrong = sent === '000000' ? '111111' : '000000';
  const seen = [];
  let resp;
  for (let i = 0; i < 10; i += 1) {
    resp = await sdk.otp.verify.email(email, wrong);
    seen.push(resp.error?.errorCode ?? `HTTP ${resp.code}`);
    if (resp.error?.errorCode !== errors.wrongOTPCode) break;
  }
  check(resp.ok === false && resp.error?.errorCode === errors.tooManyOTPAttempts,
    `wrong codes end in ${errors.tooManyOTPAttempts}`, { seen, code: resp.code, error: resp.error });
  const right = await sdk.otp.verify.email(email, sent);
  check(right.ok === false && right.error?.errorCode === errors.tooManyOTPAttempts,
    `the right code after that is refused with ${errors.tooManyOTPAttempts}`, { code: right.code, error: right.error });
  return `${seen.join(' ')}; the SDK gives { ok: false, code: ${resp.code}, error.errorCode: ${resp.error.errorCode}, error.retryAfter: ${resp.error.retryAfter} }`;
});

// The installed SDK's version (its package.json is not an export, so read it off the disk).
const sdkEntry = createRequire(import.meta.url).resolve('@descope/node-sdk');
const sdkRoot = sdkEntry.slice(0, sdkEntry.lastIndexOf('/dist/'));
const { version } = JSON.parse(readFileSync(`${sdkRoot}/package.json`, 'utf8'));
console.log(`official Node SDK flows: all passed (@descope/node-sdk ${version}, Node.js ${process.versions.node})`);
