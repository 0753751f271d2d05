// Issue 5, item 2: 20 tabs of one browser each open 10 EventSources; every stream
// receives its event exactly once, and the browser still uses ≤ 2 connections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from './lib/gateway.mjs';
import { launchBrowser, installHarness } from './lib/browser.mjs';
import { openStreamsAndDeliver } from './lib/scenarios.mjs';

test('20 tabs × 10 EventSources: all receive over ≤ 2 connections', async (t) => {
  const gw = await Gateway.start();
  t.after(() => gw.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const pages = [];
  for (let i = 0; i < 20; i++) {
    const page = await browser.newPage();
    await page.goto(`${gw.url}/healthz`);
    await page.evaluate(installHarness);
    pages.push(page);
  }
  const result = await openStreamsAndDeliver({ gw, pages, streamsPerPage: 10, prefix: 'tabs' });
  t.diagnostic(`streams received: ${result.received}/200 in 20 tabs; browser connections: ${result.connections}; protocol: ${result.protocol}`);
  assert.equal(result.received, 200);
  assert.equal(result.protocol, 'h2');
  assert.ok(result.connections >= 1 && result.connections <= 2,
    `browser used ${result.connections} connections for 20 tabs`);
});
