// A real nats-server with JetStream on a free loopback port, its store in a temp dir,
// for the browser tests of the cluster log (--nats). `nats-server` comes from
// scripts/deps. stop() kills it and removes the store.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

export class NatsServer {
  static async start() {
    const nats = new NatsServer();
    nats.dir = mkdtempSync(join(tmpdir(), 'ssegw-browser-nats-'));
    const port = await freePort();
    nats.url = `nats://127.0.0.1:${port}`;
    nats.log = '';
    nats.child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', nats.dir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    nats.exited = new Promise((r) => nats.child.once('exit', r));
    await new Promise((resolvePromise, reject) => {
      const onData = (d) => {
        nats.log += d;
        if (nats.log.includes('Server is ready')) resolvePromise();
      };
      nats.child.stdout.setEncoding('utf8');
      nats.child.stderr.setEncoding('utf8');
      nats.child.stdout.on('data', onData);
      nats.child.stderr.on('data', onData);
      nats.child.once('error', reject);
      nats.child.once('exit', (code, signal) =>
        reject(new Error(`nats-server exited (${code ?? signal}):\n${nats.log}`)));
    });
    return nats;
  }

  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
