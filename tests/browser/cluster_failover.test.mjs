// Issue 11: two gateways share one event log on NATS JetStream (--nats) behind a TCP
// "load balancer" (TLS passes through). The page's EventSource is on gateway A; A is
// killed (SIGKILL); the balancer sends the page's reconnection to B, as a real one would,
// and the EventSource resumes there with its Last-Event-ID: every event, once, in order,
// no gap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Gateway } from './lib/gateway.mjs';
import { NatsServer } from './lib/nats.mjs';
import { Publisher } from './lib/publisher.mjs';
import { launchBrowser, installHarness, guarded } from './lib/browser.mjs';

// Forwards every new connection to `target.port`; what is open stays where it is.
function startBalancer(target) {
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  return new Promise((resolvePromise) => {
    server.listen(0, '127.0.0.1', () => resolvePromise(server));
  });
}

test('cluster: gateway A killed, the page resumes on B through the balancer without loss', async (t) => {
  // Undone last to first: the browser and gateways before the NATS server.
  const cleanup = [];
  t.after(async () => { for (const undo of cleanup.reverse()) await undo(); });
  const nats = await NatsServer.start();
  cleanup.push(() => nats.stop());
  const args = ['--nats', nats.url, '--retry', '250'];
  const a = await Gateway.start({ args });
  cleanup.push(() => a.close());
  const b = await Gateway.start({ args });
  cleanup.push(() => b.close());
  const port = (gw) => Number(new URL(gw.url).port);
  const target = { port: port(a) };
  const balancer = await startBalancer(target);
  cleanup.push(() => balancer.close());
  const origin = `https://127.0.0.1:${balancer.address().port}`;

  const browser = await launchBrowser();
  cleanup.push(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${origin}/healthz`);
  await page.evaluate(installHarness);
  await page.evaluate(() => window.sse.open(['/events/failover']));
  await guarded(page, 'the stream to open', () => window.sse.openCount(1));
  await a.waitForMetrics((m) => m.ssegw_streams === 1, 'the stream on A');

  // Published on B: the log is shared, so A's subscriber gets it with B's ids.
  const publisher = await Publisher.connect(b.socketPath);
  cleanup.push(() => publisher.close());
  const before = await publisher.publish([
    { topics: ['failover'], data: 'before 1' }, { topics: ['failover'], data: 'before 2' }]);
  await guarded(page, 'the events before the failover', () => window.sse.eachHas(2));

  // A dies without a goodbye; the balancer now picks B.
  target.port = port(b);
  a.child.kill('SIGKILL');
  await a.exited;
  const during = await publisher.publish([
    { topics: ['failover'], data: 'while reconnecting 1' },
    { topics: ['failover'], data: 'while reconnecting 2' }]);
  await guarded(page, 'the events published while the page reconnected', () => window.sse.eachHas(4), undefined, 30000);
  await b.waitForMetrics((m) => m.ssegw_streams === 1, 'the resumed stream on B');
  const after = await publisher.publish([{ topics: ['failover'], data: 'after' }]);
  await guarded(page, 'a live event on B', () => window.sse.eachHas(5));

  const events = await page.evaluate(() => window.sse.events(0));
  const [summary] = await page.evaluate(() => window.sse.summary());
  t.diagnostic(`events: ${JSON.stringify(events)}; opens ${summary.opens}, errors ${summary.errors}`);
  assert.deepEqual(events, [
    { type: 'message', id: before.ids[0], data: 'before 1' },
    { type: 'message', id: before.ids[1], data: 'before 2' },
    { type: 'message', id: during.ids[0], data: 'while reconnecting 1' },
    { type: 'message', id: during.ids[1], data: 'while reconnecting 2' },
    { type: 'message', id: after.ids[0], data: 'after' },
  ]);
  assert.equal(summary.opens, 2, 'one reconnect, to B');
  assert.equal(summary.readyState, 1, 'the stream is open');
});
