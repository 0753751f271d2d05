// A publisher on the gateway's real Unix publish socket, speaking the contract's framing
// (varint-length-delimited ssegw.v1.PublishRequest / PublishReply) with a hand-written
// protobuf encoder, so the tests need no protobuf package. Requests may be pipelined;
// replies come back in request order.
import net from 'node:net';

function varint(n) {
  const out = [];
  let v = BigInt(n);
  while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  out.push(Number(v));
  return Buffer.from(out);
}
const key = (field, wire) => varint((field << 3) | wire);
const bytesField = (field, buf) => Buffer.concat([key(field, 2), varint(buf.length), buf]);
const stringField = (field, s) => bytesField(field, Buffer.from(s, 'utf8'));
const uintField = (field, n) => Buffer.concat([key(field, 0), varint(n)]);

// event: { topics: [..], id?, type?, data, retryMs? }
function encodeEvent(e) {
  const parts = e.topics.map((t) => stringField(1, t));
  if (e.id) parts.push(stringField(2, e.id));
  if (e.type) parts.push(stringField(3, e.type));
  if (e.data) parts.push(stringField(4, e.data));
  if (e.retryMs) parts.push(uintField(5, e.retryMs));
  return Buffer.concat(parts);
}

function encodeRequest(seq, events) {
  const body = Buffer.concat([uintField(1, seq), ...events.map((e) => bytesField(2, encodeEvent(e)))]);
  return Buffer.concat([varint(body.length), body]);
}

// Returns [value, nextOffset] or null when buf ends inside the varint.
function readVarint(buf, off) {
  let result = 0n; let shift = 0n;
  for (let i = off; i < buf.length; i++) {
    result |= BigInt(buf[i] & 0x7f) << shift;
    if ((buf[i] & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  return null;
}

function decodeReply(buf) {
  const reply = { seq: 0, status: 0, ids: [], duplicates: 0, error: '' };
  let off = 0;
  while (off < buf.length) {
    const [k, afterKey] = readVarint(buf, off);
    const field = Number(k >> 3n); const wire = Number(k & 7n);
    if (wire === 0) {
      const [v, next] = readVarint(buf, afterKey);
      if (field === 1) reply.seq = Number(v);
      else if (field === 2) reply.status = Number(v);
      else if (field === 4) reply.duplicates = Number(v);
      off = next;
    } else if (wire === 2) {
      const [len, start] = readVarint(buf, afterKey);
      const s = buf.subarray(start, start + Number(len)).toString('utf8');
      if (field === 3) reply.ids.push(s);
      else if (field === 5) reply.error = s;
      off = start + Number(len);
    } else {
      throw new Error(`unexpected wire type ${wire} in PublishReply`);
    }
  }
  return reply;
}

export class Publisher {
  static connect(socketPath) {
    return new Promise((resolvePromise, reject) => {
      const p = new Publisher();
      p.socket = net.createConnection(socketPath);
      p.socket.once('connect', () => resolvePromise(p));
      p.socket.once('error', reject);
      p.socket.on('data', (d) => p.#onData(d));
      p.socket.on('close', () => p.#failAll(new Error('publish socket closed')));
    });
  }

  seq = 0;
  pending = [];
  buf = Buffer.alloc(0);

  #onData(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const len = readVarint(this.buf, 0);
      if (!len) return;
      const [n, start] = len;
      if (this.buf.length < start + Number(n)) return;
      const reply = decodeReply(this.buf.subarray(start, start + Number(n)));
      this.buf = this.buf.subarray(start + Number(n));
      const waiter = this.pending.shift();
      if (!waiter) continue;
      if (reply.seq !== waiter.seq) waiter.reject(new Error(`reply seq ${reply.seq} != ${waiter.seq}: ${reply.error}`));
      else if (reply.status !== 0) waiter.reject(new Error(`rejected (${reply.status}): ${reply.error}`));
      else waiter.resolve(reply);
    }
  }

  #failAll(err) {
    for (const w of this.pending.splice(0)) w.reject(err);
  }

  // Sends one PublishRequest; resolves with the accepted PublishReply (ids in event order).
  publish(events) {
    const seq = ++this.seq;
    return new Promise((resolvePromise, reject) => {
      this.pending.push({ seq, resolve: resolvePromise, reject });
      this.socket.write(encodeRequest(seq, events));
    });
  }

  close() {
    this.socket.end();
  }
}
