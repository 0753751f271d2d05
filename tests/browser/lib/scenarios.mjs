// Scenarios shared by several tests.
import assert from 'node:assert/strict';
import { Publisher } from './publisher.mjs';
import { guarded } from './browser.mjs';

// Opens `streamsPerPage` EventSources in each page (already on the gateway's origin with
// the harness installed), one topic per stream; waits until the gateway holds them all;
// publishes one event per topic and then one sentinel per topic; checks every stream got
// exactly [its event, its sentinel] with the ids the gateway assigned. Returns the
// number of streams that received, the browser's connection count while all were open,
// and the protocol the first page's document was loaded over.
export async function openStreamsAndDeliver({ gw, pages, streamsPerPage, prefix }) {
  const topicsOf = pages.map((_, p) => Array.from({ length: streamsPerPage }, (__, i) => `${prefix}-p${p}-s${i}`));
  for (const [p, page] of pages.entries()) {
    await page.evaluate((urls) => window.sse.open(urls, { types: ['message', 'gap', 'end'] }),
      topicsOf[p].map((t) => `/events/${t}`));
  }
  for (const page of pages) {
    await guarded(page, `${streamsPerPage} open streams`, (n) => window.sse.openCount(n), streamsPerPage);
  }
  const total = pages.length * streamsPerPage;
  await gw.waitForMetrics((m) => m.ssegw_streams === total, `ssegw_streams == ${total}`);
  const connections = await gw.browserConnections();

  const publisher = await Publisher.connect(gw.socketPath);
  const all = topicsOf.flat();
  const first = await publisher.publish(all.map((t) => ({ topics: [t], data: `hello ${t}` })));
  const sentinel = await publisher.publish(all.map((t) => ({ topics: [t], type: 'end', data: t })));
  publisher.close();
  assert.equal(first.ids.length, total);

  let received = 0;
  for (const [p, page] of pages.entries()) {
    await guarded(page, 'one event per stream', () => window.sse.eachHas(1));
    const events = await page.evaluate(() => window.sse.allEvents());
    for (const [i, evs] of events.entries()) {
      const k = p * streamsPerPage + i;
      assert.deepEqual(evs[0], { type: 'message', id: first.ids[k], data: `hello ${all[k]}` },
        `stream ${all[k]}`);
      received++;
    }
  }
  // Exactly once: the sentinel follows each stream's one event, with nothing between.
  for (const [p, page] of pages.entries()) {
    await guarded(page, 'the sentinel on every stream', () => window.sse.eachHas(2));
    const events = await page.evaluate(() => window.sse.allEvents());
    for (const [i, evs] of events.entries()) {
      const k = p * streamsPerPage + i;
      assert.deepEqual(evs, [
        { type: 'message', id: first.ids[k], data: `hello ${all[k]}` },
        { type: 'end', id: sentinel.ids[k], data: all[k] },
      ], `stream ${all[k]} got exactly its event then the sentinel`);
    }
  }
  const protocol = await pages[0].evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol);
  return { received, connections, protocol };
}
