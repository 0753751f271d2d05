// Issue 12: subscriber authorization as a browser application uses it. The gateway runs
// with --auth-key (an HS256 secret); the page's script sets the token as the ssegw_token
// cookie, the way an application would, and opens a plain EventSource on a private topic.
//   1. Short tokens (3 s), the cookie refreshed before each expiry: the gateway ends the
//      stream cleanly at each token's expiry, EventSource reconnects with Last-Event-ID
//      and the fresh cookie, and every event published meanwhile arrives exactly once, in
//      order, across two expiries.
//   2. An expired cookie: the gateway answers 401 and EventSource stops (CLOSED, no retry).
//   3. Across origins: a page on app.example.test opens an EventSource on
//      events.example.test with withCredentials, and the cookie the page set for the
//      parent domain authorizes it (--allow-origin names the page's origin).
// Waits are give-up bounds only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gateway } from './lib/gateway.mjs';
import { Publisher } from './lib/publisher.mjs';
import { launchBrowser, installHarness, guarded } from './lib/browser.mjs';

const TOPIC = 'private/alice';
const TOKEN_SECONDS = 5;  // long enough for a slow first open; exp is in whole seconds
const PUBLISH_EVERY_MS = 40;

// An HS256 secret in a key file of its own, removed when the test ends.
function secretKeyFile(t) {
  const dir = mkdtempSync(join(tmpdir(), 'ssegw-browser-auth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const secret = randomBytes(32).toString('hex');
  const path = join(dir, 'subscribers.secret');
  writeFileSync(path, secret, { mode: 0o600 });
  return { secret, path };
}

// What an application's backend does: a compact JWS (HS256) granting `topics`, valid until
// `exp` (seconds since the epoch).
function mint(secret, topics, exp) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'alice', exp, ssegw: { subscribe: topics } })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

// The page's script sets the cookie, as the application's own code would.
async function setCookie(page, token, domain) {
  await page.evaluate(({ value, parent }) => {
    document.cookie = `ssegw_token=${value}; path=/; secure; samesite=lax${parent ? `; domain=${parent}` : ''}`;
  }, { value: token, parent: domain });
}

// Publishes one event every PUBLISH_EVERY_MS on `topic` until stop(); ids and data in order.
function steadyPublisher(publisher, topic) {
  const sent = [];
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      const data = `event ${n}`;
      const reply = await publisher.publish([{ topics: [topic], data }]);
      sent.push({ type: 'message', id: reply.ids[0], data });
      await new Promise((r) => setTimeout(r, PUBLISH_EVERY_MS));
    }
  })();
  return { sent, async stop() { running = false; await done; } };
}

test('a cookie refreshed before each expiry: two expiries, every event exactly once, in order', async (t) => {
  const key = secretKeyFile(t);
  // --retry 250: the reconnection delay the gateway asks browsers for.
  const gw = await Gateway.start({ args: ['--auth-key', key.path, '--auth-alg', 'HS256', '--retry', '250'] });
  t.after(() => gw.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${gw.url}/healthz`);
  await page.evaluate(installHarness);
  const publisher = await Publisher.connect(gw.socketPath);
  t.after(() => publisher.close());

  // Three tokens: two of TOKEN_SECONDS that expire while the page listens, then a long one.
  // Each is put in the cookie as soon as the stream of the one before has opened, so it
  // is there for the reconnection that the expiry causes.
  const first = nowSeconds() + TOKEN_SECONDS;
  const tokens = [
    mint(key.secret, [TOPIC], first),
    mint(key.secret, [TOPIC], first + TOKEN_SECONDS),
    mint(key.secret, [TOPIC], nowSeconds() + 600),
  ];
  await setCookie(page, tokens[0]);
  await page.evaluate((topic) => window.sse.open([`/events/${topic}`]), TOPIC);
  await guarded(page, 'the first stream to open', () => window.sse.opensAtLeast(0, 1), undefined, 30000);
  const steady = steadyPublisher(publisher, TOPIC);
  for (let open = 2; open <= 3; open++) {
    await setCookie(page, tokens[open - 1]);
    await guarded(page, `open #${open} after a token expired`, (n) => window.sse.opensAtLeast(0, n), open, 30000);
  }
  // A few events on the last stream too, then stop and collect.
  const lastBefore = steady.sent.length;
  while (steady.sent.length < lastBefore + 5) await new Promise((r) => setTimeout(r, PUBLISH_EVERY_MS));
  await steady.stop();
  const expected = steady.sent;
  await guarded(page, `all ${expected.length} events`, (n) => window.sse.eachHas(n), expected.length, 30000);

  const [summary] = await page.evaluate(() => window.sse.summary());
  const events = await page.evaluate(() => window.sse.events(0));
  t.diagnostic(`published ${expected.length} events; opens ${summary.opens}, errors ${summary.errors}; `
    + `gateway replayed ${(await gw.metrics()).ssegw_replayed_events_total} from history`);
  assert.deepEqual(events, expected, 'every event exactly once, in order, no gap');
  assert.equal(summary.opens, 3, 'one stream per token');
  assert.equal(summary.errors, 2, 'each expiry ended the stream once, and EventSource reconnected');
  assert.equal(summary.readyState, 1, 'the stream of the long token is open');
});

test('an expired cookie: 401, and EventSource stops without retrying', async (t) => {
  const key = secretKeyFile(t);
  const gw = await Gateway.start({ args: ['--auth-key', key.path, '--auth-alg', 'HS256', '--retry', '250'] });
  t.after(() => gw.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${gw.url}/healthz`);
  await page.evaluate(installHarness);

  await setCookie(page, mint(key.secret, [TOPIC], nowSeconds() - 10));
  // The answer the EventSource gets, seen through fetch (EventSource does not show it).
  const answer = await page.evaluate(async (topic) => {
    const response = await fetch(`/events/${topic}`);
    return { status: response.status, challenge: response.headers.get('www-authenticate') };
  }, TOPIC);
  assert.deepEqual(answer, { status: 401, challenge: 'Bearer error="invalid_token"' });

  const failed = await guarded(page, 'the EventSource to fail', (topic) => new Promise((resolve) => {
    const es = new EventSource(`/events/${topic}`);
    window.expired = { es, opens: 0, errors: 0 };
    es.addEventListener('open', () => { window.expired.opens++; });
    es.addEventListener('error', () => { window.expired.errors++; resolve(es.readyState); });
  }), TOPIC, 30000);
  assert.equal(failed, 2, 'readyState CLOSED: a 401 fails the connection');

  // Had it retried, it would now get through with the valid cookie: a second EventSource
  // opened after it does, receives an event, and the first one is still closed, never opened.
  await setCookie(page, mint(key.secret, [TOPIC], nowSeconds() + 600));
  await page.evaluate((topic) => window.sse.open([`/events/${topic}`]), TOPIC);
  await guarded(page, 'a stream with a valid cookie', () => window.sse.opensAtLeast(0, 1), undefined, 30000);
  const publisher = await Publisher.connect(gw.socketPath);
  t.after(() => publisher.close());
  const reply = await publisher.publish([{ topics: [TOPIC], data: 'after' }]);
  await guarded(page, 'the event on the valid stream', () => window.sse.eachHas(1), undefined, 30000);
  assert.deepEqual(await page.evaluate(() => window.sse.events(0)),
    [{ type: 'message', id: reply.ids[0], data: 'after' }]);
  const first = await page.evaluate(() => ({ state: window.expired.es.readyState,
    opens: window.expired.opens, errors: window.expired.errors }));
  assert.deepEqual(first, { state: 2, opens: 0, errors: 1 }, 'the expired one never retried');
  assert.equal((await gw.metrics()).ssegw_streams, 1);
});

// A port that is free now, so that --allow-origin can name the page's origin before the
// gateway starts.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

test('across origins: withCredentials sends the cookie the page set for the parent domain', async (t) => {
  const key = secretKeyFile(t);
  const port = await freePort();
  const app = `https://app.example.test:${port}`;
  const events = `https://events.example.test:${port}`;
  const gw = await Gateway.start({ listen: `127.0.0.1:${port}`,
    args: ['--auth-key', key.path, '--auth-alg', 'HS256', '--allow-origin', app] });
  t.after(() => gw.close());
  // Both names lead to the one gateway: the page's origin and the events origin differ,
  // but are one site, as an application and its gateway on sibling subdomains are.
  const browser = await launchBrowser({ extraFlags: [
    '--host-resolver-rules=MAP app.example.test 127.0.0.1, MAP events.example.test 127.0.0.1'] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${app}/healthz`);
  await page.evaluate(installHarness);
  await setCookie(page, mint(key.secret, [TOPIC], nowSeconds() + 600), 'example.test');

  await guarded(page, 'the cross-origin stream to open', (url) => new Promise((resolve) => {
    const es = new EventSource(url, { withCredentials: true });
    let received;
    window.cross = { es, events: [], errors: 0, received: new Promise((r) => { received = r; }) };
    es.addEventListener('open', () => resolve());
    es.addEventListener('message', (e) => {
      window.cross.events.push({ id: e.lastEventId, data: e.data });
      received();
    });
    es.addEventListener('error', () => { window.cross.errors++; });
  }), `${events}/events/${TOPIC}`, 30000);
  const publisher = await Publisher.connect(gw.socketPath);
  t.after(() => publisher.close());
  const reply = await publisher.publish([{ topics: [TOPIC], data: 'across origins' }]);
  await guarded(page, 'the event across origins', () => window.cross.received, undefined, 30000);
  const cross = await page.evaluate(() => ({ events: window.cross.events, errors: window.cross.errors }));
  assert.deepEqual(cross, { events: [{ id: reply.ids[0], data: 'across origins' }], errors: 0 });

  // Without withCredentials the cookie stays home: 401, and that EventSource stops.
  const status = await page.evaluate(async (url) => (await fetch(url, { credentials: 'omit' })).status,
    `${events}/events/${TOPIC}`);
  assert.equal(status, 401);
  const state = await guarded(page, 'the EventSource without credentials to fail', (url) => new Promise((resolve) => {
    const es = new EventSource(url);
    es.addEventListener('error', () => resolve(es.readyState));
  }), `${events}/events/${TOPIC}`, 30000);
  assert.equal(state, 2, 'readyState CLOSED');
});
