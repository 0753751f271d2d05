// Issue 5, item 4: with --max-stream-age 2 the gateway ends every stream after about two
// seconds; the page's EventSource reconnects with Last-Event-ID each time. A publisher
// sends events at a steady 200 per second until it has sent at least 2,000 and the page
// has reconnected at least three times (publishing goes on across every reconnect
// counted, however slow the machine is); the page receives every event exactly once, in
// order (ids and data compared).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from './lib/gateway.mjs';
import { Publisher } from './lib/publisher.mjs';
import { launchBrowser, installHarness, guarded } from './lib/browser.mjs';

const MIN_EVENTS = 2000;
const MIN_RECONNECTS = 3;
const BATCH = 10;            // 10 events every 50 ms = 200 events/s
const INTERVAL_MS = 50;
// Only turns a gateway that never ends a stream into a message instead of a hang.
const PUBLISH_LIMIT_MS = 60000;

test('no loss across reconnects: 2,000+ events over 3+ reconnects, exactly once, in order', async (t) => {
  // --retry 250: the reconnection delay the gateway asks browsers for.
  const gw = await Gateway.start({ args: ['--max-stream-age', '2', '--retry', '250'] });
  t.after(() => gw.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${gw.url}/healthz`);
  await page.evaluate(installHarness);
  await page.evaluate(() => window.sse.open(['/events/steady']));
  await guarded(page, 'the stream to open', () => window.sse.openCount(1));
  await gw.waitForMetrics((m) => m.ssegw_streams === 1, 'ssegw_streams == 1');

  const publisher = await Publisher.connect(gw.socketPath);
  t.after(() => publisher.close());
  const ids = [];
  const start = Date.now();
  let reconnects = 0;
  for (let batch = 0; ids.length < MIN_EVENTS || reconnects < MIN_RECONNECTS; batch++) {
    assert.ok(Date.now() - start < PUBLISH_LIMIT_MS,
      `the page reconnected ${reconnects} times in ${PUBLISH_LIMIT_MS} ms of publishing`);
    const first = ids.length;
    const events = Array.from({ length: BATCH }, (_, k) => ({ topics: ['steady'], data: `event ${first + k}` }));
    const reply = await publisher.publish(events);
    ids.push(...reply.ids);
    const [s] = await page.evaluate(() => window.sse.summary());
    reconnects = s.opens - 1;
    // Steady pace: batch n goes out at start + n × INTERVAL_MS.
    const next = start + (batch + 1) * INTERVAL_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  const EVENTS = ids.length;
  const publishSeconds = (Date.now() - start) / 1000;
  assert.equal(new Set(ids).size, EVENTS, 'the gateway assigned distinct ids');

  await guarded(page, `all ${EVENTS} events`, (n) => window.sse.eachHas(n), EVENTS, 60000);
  const [summary] = await page.evaluate(() => window.sse.summary());
  const events = await page.evaluate(() => window.sse.events(0));
  t.diagnostic(`published ${EVENTS} events in ${publishSeconds.toFixed(1)} s; page received `
    + `${events.length}; opens ${summary.opens}, errors ${summary.errors}`);

  assert.equal(events.length, EVENTS, 'no event twice');
  const expected = ids.map((id, i) => ({ type: 'message', id, data: `event ${i}` }));
  for (let i = 0; i < EVENTS; i++) {
    assert.deepEqual(events[i], expected[i], `event #${i} in order and exactly once`);
  }
  assert.ok(summary.opens - 1 >= MIN_RECONNECTS, `several reconnects (saw ${summary.opens - 1})`);
  assert.ok(summary.errors >= summary.opens - 1, 'each reconnect followed an error event');
  const m = await gw.metrics();
  t.diagnostic(`gateway replayed ${m.ssegw_replayed_events_total} events from history`);
});
