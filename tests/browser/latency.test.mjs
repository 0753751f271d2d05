// Issue 5, item 6: publish → onmessage latency inside Chromium. 1,000 events, each
// fanned out to 100 EventSources on one topic in one page (100,000 deliveries). The
// publisher stamps each event with its wall-clock time (performance.timeOrigin +
// performance.now() in node, just before the write to the publish socket); the page
// subtracts it from its own clock in onmessage. Both clocks are on this host; the
// offset between them is measured by round trips and reported.
//
// The verdict is about delivery (every stream gets all 1,000 events, in order, once);
// the figures are printed, and written as JSON to $SSEGW_LATENCY_JSON when set, for
// docs/BENCHMARKS.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { Gateway } from './lib/gateway.mjs';
import { Publisher } from './lib/publisher.mjs';
import { launchBrowser, installHarness, guarded } from './lib/browser.mjs';

const EVENTS = 1000;
const STREAMS = 100;
// One event every 10 ms: 100 events/s, 10,000 deliveries/s into the page. Set
// SSEGW_LATENCY_INTERVAL_MS to measure at another rate.
const INTERVAL_MS = Number(process.env.SSEGW_LATENCY_INTERVAL_MS ?? 10);

const nowMs = () => performance.timeOrigin + performance.now();
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];

// CPU seconds (user + system) used so far by the process tree rooted at `root`, minus
// the subtree of `exclude`. From /proc; clock ticks assumed 100 per second (Linux).
function cpuSeconds(root, exclude) {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch { /* gone */ }
  }
  const inTree = (pid) => {
    for (let p = pid; p > 1; p = procs.get(p)?.ppid ?? 0) {
      if (p === exclude) return false;
      if (p === root) return true;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, v] of procs) if (inTree(pid)) ticks += v.ticks;
  return ticks / 100;
}

// Page clock minus node clock, from the round trip with the smallest delay.
async function clockOffset(page) {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 20; i++) {
    const t0 = nowMs();
    const pageNow = await page.evaluate(() => window.sse.now());
    const t1 = nowMs();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: pageNow - (t0 + t1) / 2 };
  }
  return best;
}

test('latency: 1,000 events × 100 streams in one page, publish → onmessage', async (t) => {
  const gw = await Gateway.start();
  t.after(() => gw.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${gw.url}/healthz`);
  await page.evaluate(installHarness);
  await page.evaluate((n) => window.sse.open(Array(n).fill('/events/latency'), { mode: 'latency', types: ['message'] }), STREAMS);
  await guarded(page, `${STREAMS} open streams`, (n) => window.sse.openCount(n), STREAMS);
  await gw.waitForMetrics((m) => m.ssegw_streams === STREAMS, `ssegw_streams == ${STREAMS}`);
  const connections = await gw.browserConnections();
  const clock = await clockOffset(page);

  const publisher = await Publisher.connect(gw.socketPath);
  t.after(() => publisher.close());
  // Warm-up event, not measured: first-use costs in the page and the gateway.
  await publisher.publish([{ topics: ['latency'], data: JSON.stringify({ t: nowMs(), warmup: true }) }]);
  await guarded(page, 'the warm-up event', () => window.sse.eachHas(1));

  const ids = [];
  const loadAtStart = os.loadavg()[0];
  const cpuBefore = { gateway: cpuSeconds(gw.child.pid), browser: cpuSeconds(process.pid, gw.child.pid) };
  const start = nowMs();
  const replies = [];
  for (let i = 0; i < EVENTS; i++) {
    const next = start + i * INTERVAL_MS;
    const wait = next - nowMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    replies.push(publisher.publish([{ topics: ['latency'], data: JSON.stringify({ t: nowMs(), i }) }]));
  }
  for (const r of await Promise.all(replies)) ids.push(...r.ids);
  const publishSeconds = (nowMs() - start) / 1000;

  await guarded(page, `all ${EVENTS} events on every stream`, (n) => window.sse.eachHas(n), EVENTS + 1, 120000);
  const deliveredSeconds = (nowMs() - start) / 1000;
  const cpu = {
    gateway_s: Number((cpuSeconds(gw.child.pid) - cpuBefore.gateway).toFixed(2)),
    chromium_and_node_s: Number((cpuSeconds(process.pid, gw.child.pid) - cpuBefore.browser).toFixed(2)),
  };
  const received = await page.evaluate(() => window.sse.allEvents());
  for (const [s, evs] of received.entries()) {
    assert.equal(evs.length, EVENTS + 1, `stream ${s}: every event once`);
    assert.deepEqual(evs.slice(1), ids, `stream ${s}: the published ids, in order`);
  }

  const perStream = await page.evaluate(() => window.sse.latencies());
  // Drop the warm-up; correct by the measured clock offset (page minus node).
  const all = perStream.flatMap((l) => l.slice(1)).map((x) => x - clock.offset);
  all.sort((a, b) => a - b);
  const figures = {
    events: EVENTS, streams: STREAMS, deliveries: all.length,
    publish_rate_per_s: 1000 / INTERVAL_MS, publish_seconds: Number(publishSeconds.toFixed(2)),
    last_delivery_seconds: Number(deliveredSeconds.toFixed(2)),
    browser_connections: connections, cpu_during_run: cpu,
    latency_ms: {
      p50: Number(percentile(all, 50).toFixed(2)), p90: Number(percentile(all, 90).toFixed(2)),
      p99: Number(percentile(all, 99).toFixed(2)), max: Number(all[all.length - 1].toFixed(2)),
      min: Number(all[0].toFixed(2)),
    },
    clock_offset_ms: Number(clock.offset.toFixed(3)), clock_offset_uncertainty_ms: Number((clock.rtt / 2).toFixed(3)),
    loadavg_1m_at_start: Number(loadAtStart.toFixed(2)),
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`,
    chromium: browser.context.browser()?.version() ?? 'see chromium --version',
    node: process.version,
  };
  t.diagnostic(JSON.stringify(figures));
  if (process.env.SSEGW_LATENCY_JSON) writeFileSync(process.env.SSEGW_LATENCY_JSON, JSON.stringify(figures, null, 2) + '\n');
  assert.equal(all.length, EVENTS * STREAMS);
  assert.ok(connections >= 1 && connections <= 2, `browser connections ${connections}`);
});
