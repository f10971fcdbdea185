/**
 * A growable protobuf wire-format writer over a Node `Buffer`, with the few field kinds OTLP spans
 * use. Nested messages reserve their length prefix and fix it up when they end, so a message is
 * written in one pass.
 */
export interface ProtoWriter {
  buf: Buffer;
  pos: number;
}

export const protoWriter = (size = 64 * 1024): ProtoWriter => ({ buf: Buffer.allocUnsafe(size), pos: 0 });

/** Makes room for `more` bytes at `pos`. */
export const ensure = (w: ProtoWriter, more: number) => {
  if (w.pos + more <= w.buf.length) return;
  const next = Buffer.allocUnsafe(Math.max(w.buf.length * 2, w.pos + more));
  w.buf.copy(next, 0, 0, w.pos);
  w.buf = next;
};

/** Bytes of `v` as a varint, for lengths (below 2^35). */
export const varintSize = (v: number) =>
  v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;

/** An unsigned varint; negative integers as 64-bit two's complement (ten bytes), as int64 is. */
export const varint = (w: ProtoWriter, v: number) => {
  ensure(w, 10);
  const b = w.buf;
  if (v < 0x80 && v >= 0) {
    b[w.pos++] = v;
    return;
  }
  if (v < 0) {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      b[w.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    b[w.pos++] = Number(n);
    return;
  }
  while (v >= 0x80) {
    b[w.pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  b[w.pos++] = v;
};

export const tag = (w: ProtoWriter, field: number, wireType: 0 | 1 | 2 | 5) =>
  varint(w, (field << 3) | wireType);

const u32 = (b: Buffer, at: number, v: number) => {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = v >>> 24;
};

export const fixed32 = (w: ProtoWriter, v: number) => {
  ensure(w, 4);
  u32(w.buf, w.pos, v);
  w.pos += 4;
};

/** A double's bytes, little-endian as protobuf writes them (every platform Node runs on is). */
const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);
export const double = (w: ProtoWriter, v: number) => {
  ensure(w, 8);
  scratch[0] = v;
  const b = w.buf;
  for (let i = 0; i < 8; i++) b[w.pos + i] = scratchBytes[i] as number;
  w.pos += 8;
};

/** The last whole second written as nanoseconds, in 32-bit words: span times come in runs of one. */
let second = Number.NaN;
let secondLow = 0;
let secondHigh = 0;

/**
 * Epoch milliseconds as fixed64 nanoseconds. The product overflows a double's exact range, so whole
 * seconds are split in 16-bit halves, each multiplied by 1e9 exactly, and recombined into two words;
 * the sub-second nanoseconds are then added to the low word with its carry.
 */
export const fixed64Nanos = (w: ProtoWriter, ms: number) => {
  const seconds = Math.floor(ms / 1000);
  if (seconds !== second) {
    const low16 = (seconds & 0xffff) * 1e9;
    const high = Math.floor(seconds / 0x10000) * 1e9;
    // seconds * 1e9 = high * 2^16 + low16; carry in 32-bit words.
    const lowWord = (high % 0x10000) * 0x10000 + (low16 % 0x100000000);
    second = seconds;
    secondLow = lowWord % 0x100000000;
    secondHigh =
      Math.floor(high / 0x10000) + Math.floor(low16 / 0x100000000) + Math.floor(lowWord / 0x100000000);
  }
  let low = secondLow + Math.round((ms - seconds * 1000) * 1e6);
  let high = secondHigh;
  if (low >= 0x100000000) {
    low -= 0x100000000;
    high++;
  }
  ensure(w, 8);
  u32(w.buf, w.pos, low);
  u32(w.buf, w.pos + 4, high >>> 0);
  w.pos += 8;
};

/**
 * Copies `s` to `at` a char at a time when it is ASCII, the common case; returns where it ends, or -1
 * at its first other char (the bytes before it are written).
 */
export const ascii = (b: Buffer, at: number, s: string): number => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    b[at++] = c;
  }
  return at;
};

/** `prefix` and `s` as one length-prefixed UTF-8 string, without joining them when both are ASCII. */
export const prefixed = (w: ProtoWriter, prefix: string, s: string) => {
  const n = prefix.length + s.length;
  // Room for the longest length prefix too, so writing it cannot move the buffer.
  ensure(w, 10 + n);
  const start = w.pos;
  varint(w, n);
  let at = ascii(w.buf, w.pos, prefix);
  if (at >= 0) at = ascii(w.buf, at, s);
  if (at >= 0) {
    w.pos = at;
    return;
  }
  const text = prefix + s;
  const bytes = Buffer.byteLength(text);
  w.pos = start;
  varint(w, bytes);
  ensure(w, bytes);
  w.pos += w.buf.write(text, w.pos);
};

/** A length-prefixed UTF-8 string. */
export const string = (w: ProtoWriter, s: string) => prefixed(w, '', s);

/** Each byte's value by the char codes of its two hex digits (ids are lowercase; uppercase reads the same). */
const PAIR = new Uint8Array(1 << 14);
for (let i = 0; i < 256; i++) {
  const [hi, lo] = i.toString(16).padStart(2, '0');
  for (const h of [hi, hi?.toUpperCase()] as string[])
    for (const l of [lo, lo?.toUpperCase()] as string[]) PAIR[(h.charCodeAt(0) << 7) | l.charCodeAt(0)] = i;
}

/** A length-prefixed byte string from hex digits (trace and span ids). */
export const hexBytes = (w: ProtoWriter, hex: string) => {
  const n = hex.length >> 1;
  ensure(w, n + 1);
  const b = w.buf;
  let at = w.pos;
  b[at++] = n;
  for (let i = 0; i < 2 * n; i += 2)
    b[at++] = PAIR[((hex.charCodeAt(i) & 0x7f) << 7) | (hex.charCodeAt(i + 1) & 0x7f)] as number;
  w.pos = at;
};

export const bytes = (w: ProtoWriter, raw: Uint8Array) => {
  ensure(w, raw.length);
  w.buf.set(raw, w.pos);
  w.pos += raw.length;
};

/** Starts a length-delimited message, reserving `reserve` bytes for its length; returns its start. */
export const begin = (w: ProtoWriter, reserve = 1) => {
  ensure(w, reserve);
  const start = w.pos;
  w.pos += reserve;
  return start;
};

/** Ends the message `begin` started: writes its length, moving the body if it needs other bytes. */
export const end = (w: ProtoWriter, start: number, reserve = 1) => {
  const length = w.pos - start - reserve;
  const size = varintSize(length);
  if (size !== reserve) {
    ensure(w, size - reserve);
    w.buf.copyWithin(start + size, start + reserve, w.pos);
    w.pos += size - reserve;
  }
  const after = w.pos;
  w.pos = start;
  varint(w, length);
  w.pos = after;
};

/** What was written, as a view of the writer's buffer. */
export const written = (w: ProtoWriter) => w.buf.subarray(0, w.pos);
