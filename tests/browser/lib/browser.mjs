// Debian's Chromium, driven by playwright-core. Launched with exactly the flags of
// issue 5 plus a fresh temporary --user-data-dir (and --remote-debugging-pipe, the
// channel playwright drives it through). Nothing here downloads a browser.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumFlags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--ignore-certificate-errors',
];

// Returns { context, newPage(), close() }. All pages are tabs of one browser profile, so
// they share its connection pool the way a user's tabs do.
export async function launchBrowser({ extraFlags = [] } = {}) {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing (apt-get install chromium)`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'ssegw-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    ignoreDefaultArgs: true,
    args: [...chromiumFlags, ...extraFlags, `--user-data-dir=${userDataDir}`,
      '--remote-debugging-pipe', 'about:blank'],
    viewport: { width: 1100, height: 720 },
    timeout: 60000,
  });
  let firstPageTaken = false;
  return {
    context,
    async newPage() {
      const blank = context.pages()[0];
      if (!firstPageTaken && blank) { firstPageTaken = true; return blank; }
      return context.newPage();
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// Installed into a page with page.evaluate(installHarness). window.sse records, per
// EventSource, every event (type, lastEventId, data), its open and error events, and
// lets node await conditions without polling timers (events resolve the waits).
export function installHarness() {
  const state = { sources: [], waiters: [] };
  const notify = () => {
    state.waiters = state.waiters.filter((w) => {
      if (!w.pred()) return true;
      w.resolve(); return false;
    });
  };
  const counts = () => state.sources.map((s) => s.events.length);
  window.sse = {
    // Opens one EventSource per url. mode 'log' keeps every event; mode 'latency' keeps
    // per event only its id and the receive-minus-send time in ms (data is JSON {t}).
    open(urls, { mode = 'log', types = ['message', 'gap'] } = {}) {
      for (const url of urls) {
        const rec = { url, events: [], latencies: [], opens: 0, errors: 0 };
        const es = new EventSource(url);
        rec.es = es;
        es.addEventListener('open', () => { rec.opens++; notify(); });
        es.addEventListener('error', () => { rec.errors++; notify(); });
        const onEvent = mode === 'latency'
          ? (e) => {
            const now = performance.timeOrigin + performance.now();
            rec.latencies.push(now - JSON.parse(e.data).t);
            rec.events.push(e.lastEventId);
            if (rec.events.length % 50 === 0 || rec.events.length >= state.target) notify();
          }
          : (e) => { rec.events.push({ type: e.type, id: e.lastEventId, data: e.data }); notify(); };
        for (const t of types) es.addEventListener(t, onEvent);
        state.sources.push(rec);
      }
    },
    // Resolves when every source has at least n events.
    eachHas(n) {
      state.target = n;
      return new Promise((resolve) => {
        state.waiters.push({ pred: () => state.sources.every((s) => s.events.length >= n), resolve });
        notify();
      });
    },
    // Resolves when some source has at least n events.
    someHas(n) {
      return new Promise((resolve) => {
        state.waiters.push({ pred: () => state.sources.some((s) => s.events.length >= n), resolve });
        notify();
      });
    },
    // Resolves when at least n sources are OPEN.
    openCount(n) {
      return new Promise((resolve) => {
        state.waiters.push({ pred: () => state.sources.filter((s) => s.es.readyState === 1).length >= n, resolve });
        notify();
      });
    },
    // Resolves when source i has seen at least n 'open' events.
    opensAtLeast(i, n) {
      return new Promise((resolve) => {
        state.waiters.push({ pred: () => state.sources[i].opens >= n, resolve });
        notify();
      });
    },
    counts,
    summary() {
      return state.sources.map((s) => ({ url: s.url, events: s.events.length, opens: s.opens,
        errors: s.errors, readyState: s.es.readyState }));
    },
    events(i) { return state.sources[i].events; },
    allEvents() { return state.sources.map((s) => s.events); },
    latencies() { return state.sources.map((s) => s.latencies); },
    now() { return performance.timeOrigin + performance.now(); },
    closeAll() { for (const s of state.sources) s.es.close(); },
  };
}

// page.evaluate(fn, arg) with a guard: a hang becomes an error naming `what` and showing
// the page's per-stream summary. The timeout only turns a failure into a message.
export async function guarded(page, what, fn, arg, timeoutMs = 60000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(async () => {
      let summary = '';
      try {
        const s = await page.evaluate(() => window.sse.summary());
        const byState = {};
        for (const x of s) {
          const k = `events=${x.events} opens=${x.opens} errors=${x.errors} readyState=${x.readyState}`;
          byState[k] = (byState[k] ?? 0) + 1;
        }
        summary = JSON.stringify(byState);
      } catch (e) { summary = String(e); }
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; streams: ${summary}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([page.evaluate(fn, arg), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
