// Issue 5, item 7: the built-in demo page at GET / shows the stream count, the events
// and the reconnects live. With --max-stream-age 2 the gateway ends its streams every
// ~2 s, so the page's three EventSources reconnect while events arrive; the test reads
// the page's own DOM for all three, then takes the screenshot the README shows
// (docs/demo.png, or $SSEGW_DEMO_PNG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Gateway, sourceDir } from './lib/gateway.mjs';
import { Publisher } from './lib/publisher.mjs';
import { launchBrowser } from './lib/browser.mjs';

const screenshotPath = process.env.SSEGW_DEMO_PNG ?? join(sourceDir, 'docs', 'demo.png');

test('demo page: stream count, events and reconnects, live; screenshot', async (t) => {
  const gw = await Gateway.start({ args: ['--max-stream-age', '2', '--retry', '250'] });
  t.after(() => gw.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  await page.goto(`${gw.url}/`);
  const waitOpts = { timeout: 30000, polling: 50 };

  // The stream count: all three of the page's EventSources open.
  await page.waitForFunction(() => document.getElementById('open-count')?.textContent === '3'
    && document.getElementById('total-count').textContent === '3', null, waitOpts);
  await gw.waitForMetrics((m) => m.ssegw_streams === 3, 'ssegw_streams == 3');

  // Events: publish a clock and a counter the way the demo publisher does, until every
  // box has shown at least one reconnect; each publish's data must appear in the page.
  const publisher = await Publisher.connect(gw.socketPath);
  t.after(() => publisher.close());
  const reconnectsOf = () => page.$$eval('section .state',
    (els) => els.map((e) => Number(/reconnects (\d+)/.exec(e.textContent)?.[1] ?? -1)));
  let n = 0;
  const deadline = Date.now() + 30000;
  for (;;) {
    n++;
    // The demo publisher's clock format, the longest value the page shows.
    const time = `2026-11-21T12:00:${String(n % 60).padStart(2, '0')}Z`;
    await publisher.publish([{ topics: ['clock'], data: time }, { topics: ['counter'], data: String(n) }]);
    // The combined stream's latest is the counter, the last one published.
    await page.waitForFunction(([tm, c]) => {
      const latest = [...document.querySelectorAll('section .latest')].map((e) => e.textContent);
      return latest[0] === tm && latest[1] === c && latest[2] === c;
    }, [time, String(n)], waitOpts);
    const reconnects = await reconnectsOf();
    if (reconnects.every((r) => r >= 1) && n >= 8) break;
    assert.ok(Date.now() < deadline, `reconnects never showed on every box: ${reconnects}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // After the reconnects the count is back to 3 of 3. The boxes are read in the same
  // task that sees the count, since a stream can end again any moment after.
  const snapshot = await page.waitForFunction(() => {
    if (document.getElementById('open-count').textContent !== '3') return null;
    return [...document.querySelectorAll('section')].map((e) => ({
      title: e.querySelector('h2').textContent,
      state: e.querySelector('.state').textContent,
      latest: e.querySelector('.latest').textContent,
      log: [...e.querySelectorAll('li')].map((li) => li.textContent),
    }));
  }, null, waitOpts);
  const boxes = await snapshot.jsonValue();
  t.diagnostic(JSON.stringify({ publishes: n, boxes }));
  assert.deepEqual(boxes.map((b) => b.title),
    ['/events/clock', '/events/counter', '/events?topic=clock&topic=counter']);
  for (const b of boxes) {
    assert.match(b.state, /^open · opened \d+× · errors \d+ · reconnects [1-9]\d*$/, b.title);
    assert.equal(b.log.length, 8, `${b.title}: the page keeps the last 8 events`);
  }
  // Newest first, with the gateway's ids: the counter box shows n, n-1, ... in order.
  const counterValues = boxes[1].log.map((line) => Number(line.split(' ').pop()));
  assert.deepEqual(counterValues, Array.from({ length: 8 }, (_, i) => n - i));
  // The combined stream interleaves both topics in publish order: counter, clock, ...
  assert.match(boxes[2].log[0], new RegExp(`^#\\S+ ${n}$`));
  assert.match(boxes[2].log[1], /^#\S+ 2026-11-21T12:00:\d\dZ$/);


  // The big value never wraps: a clock stays on one line, from a phone to the screenshot.
  for (const width of [360, 700, 1100]) {
    await page.setViewportSize({ width, height: 460 });
    const lines = await page.$$eval('section .latest', (els) => els.map((e) => {
      const range = document.createRange();
      range.selectNodeContents(e);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      return { text: e.textContent, lines: tops.size, clipped: e.scrollWidth > e.clientWidth };
    }));
    for (const l of lines) {
      assert.equal(l.lines, 1, `width ${width}: "${l.text}" wraps`);
      assert.ok(!l.clipped, `width ${width}: "${l.text}" is cut off`);
    }
  }

  // The page brings its own (empty) icon, so the browser never asks for /favicon.ico.
  assert.equal(await page.$eval('link[rel=icon]', (l) => l.getAttribute('href')), 'data:,');
  assert.ok(!requested.includes('/favicon.ico'), `requests: ${requested}`);

  await page.setViewportSize({ width: 1100, height: 460 });
  await page.screenshot({ path: screenshotPath, fullPage: true });
  t.diagnostic(`screenshot: ${screenshotPath}`);
});
