// Issue 5, item 1: one page opens 200 EventSources on 200 topics of the gateway's
// origin; one event per topic arrives on each, exactly once; the browser used one
// connection (≤ 2) for all of it, read from the gateway's /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from './lib/gateway.mjs';
import { launchBrowser, installHarness } from './lib/browser.mjs';
import { openStreamsAndDeliver } from './lib/scenarios.mjs';

test('200 EventSources in one page share one HTTP/2 connection and all receive', async (t) => {
  const gw = await Gateway.start();
  t.after(() => gw.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${gw.url}/healthz`);
  await page.evaluate(installHarness);

  const result = await openStreamsAndDeliver({ gw, pages: [page], streamsPerPage: 200, prefix: 'one' });
  t.diagnostic(`streams received: ${result.received}/200; browser connections: ${result.connections}; protocol: ${result.protocol}`);
  assert.equal(result.received, 200);
  assert.equal(result.protocol, 'h2');
  assert.ok(result.connections >= 1 && result.connections <= 2,
    `browser used ${result.connections} connections for 200 streams`);
});
