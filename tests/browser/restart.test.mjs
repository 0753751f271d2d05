// Issue 5, item 5: the gateway is stopped with SIGTERM (exit 0) and started again on the
// same address; the page's EventSource reconnects by itself with its Last-Event-ID, which
// the new process does not know, so it gets `event: gap` carrying that id, then live
// events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from './lib/gateway.mjs';
import { Publisher } from './lib/publisher.mjs';
import { launchBrowser, installHarness, guarded } from './lib/browser.mjs';

test('restart: SIGTERM, start again, the page reconnects, gets gap then live events', async (t) => {
  const gw = await Gateway.start({ args: ['--retry', '250'] });
  t.after(() => gw.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${gw.url}/healthz`);
  await page.evaluate(installHarness);
  await page.evaluate(() => window.sse.open(['/events/restart']));
  await guarded(page, 'the stream to open', () => window.sse.openCount(1));
  await gw.waitForMetrics((m) => m.ssegw_streams === 1, 'ssegw_streams == 1');

  let publisher = await Publisher.connect(gw.socketPath);
  const before = await publisher.publish([
    { topics: ['restart'], data: 'before 1' }, { topics: ['restart'], data: 'before 2' }]);
  publisher.close();
  await guarded(page, 'the events before the restart', () => window.sse.eachHas(2));

  const exit = await gw.restart();
  assert.deepEqual(exit, { code: 0, signal: null }, 'SIGTERM is a graceful exit 0');

  // The EventSource comes back by itself: the new process sends the gap first.
  await guarded(page, 'the gap event after the restart', () => window.sse.eachHas(3), undefined, 30000);
  await gw.waitForMetrics((m) => m.ssegw_streams === 1, 'the reconnected stream at the new gateway');
  publisher = await Publisher.connect(gw.socketPath);
  t.after(() => publisher.close());
  const after = await publisher.publish([
    { topics: ['restart'], data: 'after 1' }, { topics: ['restart'], data: 'after 2' }]);
  await guarded(page, 'live events after the gap', () => window.sse.eachHas(5));

  const events = await page.evaluate(() => window.sse.events(0));
  const [summary] = await page.evaluate(() => window.sse.summary());
  t.diagnostic(`events: ${JSON.stringify(events)}; opens ${summary.opens}, errors ${summary.errors}`);
  assert.deepEqual(events, [
    { type: 'message', id: before.ids[0], data: 'before 1' },
    { type: 'message', id: before.ids[1], data: 'before 2' },
    // The gap event: its data is the unknown Last-Event-ID (the page's lastEventId is
    // still that id while it is dispatched).
    { type: 'gap', id: before.ids[1], data: before.ids[1] },
    { type: 'message', id: after.ids[0], data: 'after 1' },
    { type: 'message', id: after.ids[1], data: 'after 2' },
  ]);
  assert.equal(summary.opens, 2, 'one reconnect');
  assert.equal(summary.readyState, 1, 'the stream is open');
});
