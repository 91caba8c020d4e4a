#!/usr/bin/env node
// Minimal, dependency-free MongoDB admin client for the CI scripts.
//
// Speaks the OP_MSG wire protocol (opcode 2013) over a plain TCP socket and
// encodes/decodes just enough BSON for admin commands. No npm packages are
// needed, so .ci/mongod.sh works without installing a driver.
//
// Usage: node .ci/mongo-admin.cjs <port> <action> [args]
//   hello                 print the hello reply as JSON; exit 0 if the server answers
//   initiate              replSetInitiate rs0 with the single member 127.0.0.1:<port>
//                         (exit 0 also if already initiated)
//   is-primary            exit 0 if hello says isWritablePrimary, 3 otherwise
//   shutdown              shutdown {force:true}; exit 0 when the server closed the connection
//   command '<json>' [db] run an arbitrary command (db defaults to admin), print the reply
'use strict';

const net = require('net');

const OP_MSG = 2013;

// ---------------------------------------------------------------- BSON encode
function encodeDoc(obj) {
  const parts = [];
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    parts.push(encodeElement(key, value));
  }
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(4 + body.length + 1);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  out[out.length - 1] = 0;
  return out;
}

function cstring(s) {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

function encodeElement(key, value) {
  const name = cstring(key);
  let type;
  let payload;
  if (value === null) {
    type = 0x0a;
    payload = Buffer.alloc(0);
  } else if (typeof value === 'boolean') {
    type = 0x08;
    payload = Buffer.from([value ? 1 : 0]);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) {
      type = 0x10;
      payload = Buffer.alloc(4);
      payload.writeInt32LE(value, 0);
    } else {
      type = 0x01;
      payload = Buffer.alloc(8);
      payload.writeDoubleLE(value, 0);
    }
  } else if (typeof value === 'bigint') {
    type = 0x12;
    payload = Buffer.alloc(8);
    payload.writeBigInt64LE(value, 0);
  } else if (typeof value === 'string') {
    type = 0x02;
    const s = Buffer.from(value, 'utf8');
    payload = Buffer.alloc(4 + s.length + 1);
    payload.writeInt32LE(s.length + 1, 0);
    s.copy(payload, 4);
  } else if (value instanceof Date) {
    type = 0x09;
    payload = Buffer.alloc(8);
    payload.writeBigInt64LE(BigInt(value.getTime()), 0);
  } else if (Array.isArray(value)) {
    type = 0x04;
    const asObj = {};
    value.forEach((v, i) => { asObj[String(i)] = v; });
    payload = encodeDoc(asObj);
  } else if (typeof value === 'object') {
    type = 0x03;
    payload = encodeDoc(value);
  } else {
    throw new Error(`cannot encode ${typeof value} for key ${key}`);
  }
  return Buffer.concat([Buffer.from([type]), name, payload]);
}

// ---------------------------------------------------------------- BSON decode
function readCString(buf, pos) {
  const end = buf.indexOf(0, pos);
  return [buf.toString('utf8', pos, end), end + 1];
}

function decodeDoc(buf, start, isArray) {
  const len = buf.readInt32LE(start);
  const end = start + len - 1;
  let pos = start + 4;
  const out = isArray ? [] : {};
  while (pos < end) {
    const type = buf[pos++];
    let key;
    [key, pos] = readCString(buf, pos);
    let value;
    switch (type) {
      case 0x01: value = buf.readDoubleLE(pos); pos += 8; break;
      case 0x02:
      case 0x0d:
      case 0x0e: {
        const n = buf.readInt32LE(pos);
        value = buf.toString('utf8', pos + 4, pos + 4 + n - 1);
        pos += 4 + n;
        break;
      }
      case 0x03:
      case 0x04: {
        const n = buf.readInt32LE(pos);
        value = decodeDoc(buf, pos, type === 0x04);
        pos += n;
        break;
      }
      case 0x05: {
        const n = buf.readInt32LE(pos);
        const subtype = buf[pos + 4];
        value = { $binary: buf.toString('base64', pos + 5, pos + 5 + n), subType: subtype };
        pos += 5 + n;
        break;
      }
      case 0x06: value = undefined; break;
      case 0x07: value = { $oid: buf.toString('hex', pos, pos + 12) }; pos += 12; break;
      case 0x08: value = buf[pos] !== 0; pos += 1; break;
      case 0x09: value = new Date(Number(buf.readBigInt64LE(pos))); pos += 8; break;
      case 0x0a: value = null; break;
      case 0x0b: {
        let pattern; let flags;
        [pattern, pos] = readCString(buf, pos);
        [flags, pos] = readCString(buf, pos);
        value = { $regex: pattern, $options: flags };
        break;
      }
      case 0x0c: {
        const n = buf.readInt32LE(pos);
        value = { $dbPointer: buf.toString('utf8', pos + 4, pos + 4 + n - 1) };
        pos += 4 + n + 12;
        break;
      }
      case 0x0f: {
        const n = buf.readInt32LE(pos);
        value = { $code: '(code with scope)' };
        pos += n;
        break;
      }
      case 0x10: value = buf.readInt32LE(pos); pos += 4; break;
      case 0x11: value = { $timestamp: { t: buf.readUInt32LE(pos + 4), i: buf.readUInt32LE(pos) } }; pos += 8; break;
      case 0x12: {
        const big = buf.readBigInt64LE(pos);
        value = (big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)) ? Number(big) : big.toString();
        pos += 8;
        break;
      }
      case 0x13: value = { $numberDecimal: buf.toString('hex', pos, pos + 16) }; pos += 16; break;
      case 0xff: value = { $minKey: 1 }; break;
      case 0x7f: value = { $maxKey: 1 }; break;
      default:
        throw new Error(`unsupported BSON type 0x${type.toString(16)} at key ${key}`);
    }
    if (isArray) out.push(value); else out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------- wire protocol
let nextRequestId = 1;

function buildOpMsg(cmd, db) {
  const body = encodeDoc(Object.assign({}, cmd, { $db: db }));
  const header = Buffer.alloc(16 + 4 + 1);
  const total = header.length + body.length;
  header.writeInt32LE(total, 0);
  header.writeInt32LE(nextRequestId++, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16); // flagBits
  header[20] = 0; // section kind 0: body
  return Buffer.concat([header, body]);
}

function parseOpMsg(frame) {
  const opCode = frame.readInt32LE(12);
  if (opCode !== OP_MSG) throw new Error(`unexpected reply opcode ${opCode}`);
  let pos = 20; // header (16) + flagBits (4)
  while (pos < frame.length) {
    const kind = frame[pos++];
    if (kind === 0) return decodeDoc(frame, pos, false);
    // kind 1: document sequence; skip it
    const size = frame.readInt32LE(pos);
    pos += size;
  }
  throw new Error('reply has no body section');
}

class ConnectionClosed extends Error {}

function connect(port, timeoutMs) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ host: '127.0.0.1', port });
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`connect timeout after ${timeoutMs} ms`)); }, timeoutMs);
    sock.once('connect', () => { clearTimeout(timer); resolve(sock); });
    sock.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

function runCommand(sock, cmd, db, timeoutMs) {
  return new Promise((resolve, reject) => {
    let chunks = Buffer.alloc(0);
    let done = false;
    const finish = (fn, arg) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.removeListener('data', onData);
      sock.removeListener('close', onClose);
      sock.removeListener('error', onError);
      fn(arg);
    };
    const onData = (d) => {
      chunks = Buffer.concat([chunks, d]);
      if (chunks.length >= 4) {
        const len = chunks.readInt32LE(0);
        if (chunks.length >= len) {
          try { finish(resolve, parseOpMsg(chunks.subarray(0, len))); } catch (e) { finish(reject, e); }
        }
      }
    };
    const onClose = () => finish(reject, new ConnectionClosed('connection closed by server'));
    const onError = (e) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') finish(reject, new ConnectionClosed(`connection closed by server (${e.code})`));
      else finish(reject, e);
    };
    const timer = setTimeout(() => finish(reject, new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    sock.on('data', onData);
    sock.on('close', onClose);
    sock.on('error', onError);
    sock.write(buildOpMsg(cmd, db));
  });
}

async function oneCommand(port, cmd, db = 'admin', timeoutMs = 30000) {
  const sock = await connect(port, Math.min(timeoutMs, 5000));
  try {
    return await runCommand(sock, cmd, db, timeoutMs);
  } finally {
    sock.destroy();
  }
}

// ---------------------------------------------------------------- CLI
function usage() {
  process.stderr.write('usage: mongo-admin.cjs <port> hello|initiate|is-primary|shutdown|command <json> [db]\n');
  process.exit(2);
}

async function main() {
  const [portArg, action, ...rest] = process.argv.slice(2);
  const port = Number(portArg);
  if (!Number.isInteger(port) || port <= 0 || !action) usage();

  switch (action) {
    case 'hello': {
      const r = await oneCommand(port, { hello: 1 }, 'admin', 5000);
      process.stdout.write(JSON.stringify(r) + '\n');
      return r.ok === 1 ? 0 : 1;
    }
    case 'is-primary': {
      const r = await oneCommand(port, { hello: 1 }, 'admin', 5000);
      return r.ok === 1 && r.isWritablePrimary === true ? 0 : 3;
    }
    case 'initiate': {
      const host = `127.0.0.1:${port}`;
      const r = await oneCommand(port, {
        replSetInitiate: { _id: 'rs0', members: [{ _id: 0, host }] },
      }, 'admin', 60000);
      if (r.ok === 1) {
        process.stdout.write(`replica set rs0 initiated with member ${host}\n`);
        return 0;
      }
      if (r.code === 23 /* AlreadyInitialized */) {
        process.stdout.write('replica set already initiated\n');
        return 0;
      }
      process.stderr.write(`replSetInitiate failed: ${JSON.stringify(r)}\n`);
      return 1;
    }
    case 'shutdown': {
      try {
        const r = await oneCommand(port, { shutdown: 1, force: true }, 'admin', 30000);
        // A successful shutdown never replies; a reply means it was refused.
        process.stderr.write(`shutdown refused: ${JSON.stringify(r)}\n`);
        return 1;
      } catch (e) {
        if (e instanceof ConnectionClosed) {
          process.stdout.write('shutdown command accepted (server closed the connection)\n');
          return 0;
        }
        throw e;
      }
    }
    case 'command': {
      if (!rest[0]) usage();
      const r = await oneCommand(port, JSON.parse(rest[0]), rest[1] || 'admin', 60000);
      process.stdout.write(JSON.stringify(r) + '\n');
      return r.ok === 1 ? 0 : 1;
    }
    default:
      usage();
  }
  return 2;
}

main().then(
  (code) => process.exit(code),
  (e) => { process.stderr.write(`mongo-admin: ${e.message}\n`); process.exit(1); },
);
