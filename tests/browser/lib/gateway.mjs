// Starts the real sse-gateway binary for a browser test: ephemeral TLS port, its own
// publish socket in a temp dir, and a dev certificate made once per test process by
// scripts/gen-dev-cert. Also reads /metrics over one long-lived HTTP/2 session of its
// own, so a test can count the browser's connections as ssegw_connections - 1.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import http2 from 'node:http2';
import tls from 'node:tls';

const here = dirname(fileURLToPath(import.meta.url));
export const sourceDir = process.env.SSEGW_SOURCE_DIR ?? resolve(here, '..', '..', '..');
export const gatewayBin =
  process.env.SSEGW_GATEWAY_BIN ?? join(sourceDir, 'build', 'bin', 'sse-gateway');

let certDir;
function devCert() {
  if (!certDir) {
    certDir = mkdtempSync(join(tmpdir(), 'ssegw-browser-cert-'));
    execFileSync(join(sourceDir, 'scripts', 'gen-dev-cert'), [certDir], { stdio: 'ignore' });
    process.on('exit', () => rmSync(certDir, { recursive: true, force: true }));
  }
  return { cert: join(certDir, 'server.crt'), key: join(certDir, 'server.key') };
}

// Resolves when `child` prints a line with https://HOST:PORT on stdout.
function waitForUrl(child, log) {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/https:\/\/[^\s,]+:\d+/);
      if (m) {
        child.stdout.off('data', onData);
        child.stdout.resume();  // keep draining later output so the gateway never blocks
        resolvePromise(m[0]);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`sse-gateway exited (${code ?? signal}) before listening:\n${out}${log()}`)));
  });
}

export class Gateway {
  // args: extra flags, e.g. ['--max-stream-age', '2']. listen: HOST:PORT (default port 0).
  static async start({ args = [], listen = '127.0.0.1:0', socketPath } = {}) {
    if (!existsSync(gatewayBin)) throw new Error(`no gateway binary at ${gatewayBin}`);
    const gw = new Gateway();
    gw.args = args;
    gw.dir = mkdtempSync(join(tmpdir(), 'ssegw-browser-'));
    gw.socketPath = socketPath ?? join(gw.dir, 'publish.sock');
    await gw.#spawn(listen);
    return gw;
  }

  async #spawn(listen) {
    const { cert, key } = devCert();
    this.stderr = '';
    this.child = spawn(gatewayBin, ['--listen', listen, '--cert', cert, '--key', key,
      '--socket', this.socketPath, '--log-level', 'warn', ...this.args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((r) => this.child.once('exit', (code, signal) => r({ code, signal })));
    this.url = await waitForUrl(this.child, () => this.stderr);
    this.origin = this.url;
    this.hostPort = this.url.replace('https://', '');
  }

  // SIGTERM; resolves with the exit code (the contract says 0).
  async stop() {
    this.#closeMetrics();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    return this.exited;
  }

  // Stops with SIGTERM and starts a new process on the same address and socket.
  async restart() {
    const exit = await this.stop();
    await this.#spawn(this.hostPort);
    return exit;
  }

  async close() {
    const exit = await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
    return exit;
  }

  #closeMetrics() {
    if (this.metricsSession) this.metricsSession.destroy();
    this.metricsSession = undefined;
  }

  // GET /metrics over this helper's own single HTTP/2 connection (kept open so that it
  // is exactly one of the gateway's connections while the test runs).
  async metrics() {
    if (!this.metricsSession || this.metricsSession.destroyed) {
      this.metricsSession = http2.connect(this.url, { rejectUnauthorized: false });
      this.metricsSession.on('error', () => {});
    }
    const body = await new Promise((resolvePromise, reject) => {
      const req = this.metricsSession.request({ ':path': '/metrics' });
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (d) => { text += d; });
      req.on('end', () => resolvePromise(text));
      req.on('error', reject);
      req.end();
    });
    const values = {};
    for (const line of body.split('\n')) {
      const m = line.match(/^([a-z_]+)(?:\{[^}]*\})?\s+([0-9.eE+-]+)$/);
      if (m) values[m[1]] = Number(m[2]);
    }
    return values;
  }

  // Connections other than this helper's metrics connection.
  async browserConnections() {
    const m = await this.metrics();
    return m.ssegw_connections - 1;
  }

  // Polls /metrics until pred(values) holds; the timeout only guards a failure.
  async waitForMetrics(pred, what, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      last = await this.metrics();
      if (pred(last)) return last;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; last metrics: ${JSON.stringify(last)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

// Which protocol the gateway's TLS listener picks when a client offers only `protocol`
// in ALPN: the protocol name, or null when the handshake fails or none is selected.
export function negotiatedAlpn(url, protocol) {
  const { hostname, port } = new URL(url);
  return new Promise((resolvePromise) => {
    const socket = tls.connect({ host: hostname, port: Number(port), ALPNProtocols: [protocol],
      rejectUnauthorized: false, servername: 'localhost' });
    socket.once('secureConnect', () => { resolvePromise(socket.alpnProtocol || null); socket.destroy(); });
    socket.once('error', () => resolvePromise(null));
  });
}
