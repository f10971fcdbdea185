/**
 * OTLP `KeyValue` attributes written to protobuf as the OpenTelemetry serializer writes them. Short
 * ASCII strings and small integers, nearly all of a run span's, are written in one pass with their
 * key's bytes cached; the rest reserve their lengths and fix them up.
 */
import type { AttributeValue } from '@opentelemetry/api';
import {
  ascii,
  begin,
  double,
  end,
  ensure,
  type ProtoWriter,
  protoWriter,
  string,
  tag,
  varint,
  varintSize,
  written,
} from './proto-writer.ts';

const value = (w: ProtoWriter, v: AttributeValue) => {
  if (typeof v === 'string') {
    tag(w, 1, 2);
    string(w, v);
  } else if (typeof v === 'boolean') {
    tag(w, 2, 0);
    varint(w, v ? 1 : 0);
  } else if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) {
      tag(w, 3, 0);
      varint(w, v);
    } else {
      tag(w, 4, 1);
      double(w, v);
    }
  } else if (Array.isArray(v)) {
    tag(w, 5, 2);
    const list = begin(w);
    for (const item of v) {
      tag(w, 1, 2);
      const at = begin(w);
      if (item !== null && item !== undefined) value(w, item);
      end(w, at);
    }
    end(w, list);
  }
};

/**
 * Each attribute key's `KeyValue.key` field and the tag of its `value`, by key. Copied with one
 * `set`, which costs about what two bytes copied one at a time do. Keys are a small fixed set (run
 * spans name them in code), so the cache is bounded only as a guard.
 */
const keyFields = new Map<string, Uint8Array>();
export const keyField = (key: string): Uint8Array => {
  let field = keyFields.get(key);
  if (field === undefined) {
    const w = protoWriter(3 * key.length + 12);
    tag(w, 1, 2);
    string(w, key);
    tag(w, 2, 2);
    field = Uint8Array.from(written(w));
    if (keyFields.size < 1024) keyFields.set(key, field);
  }
  return field;
};

/**
 * Starts `KeyValue` `field` whose `AnyValue` takes `valueBytes` bytes, both lengths one byte (the
 * caller checks they fit): its tag, length, key (`k`, a {@link keyField}) and the value's length.
 */
const head = (w: ProtoWriter, field: number, k: Uint8Array, valueBytes: number) => {
  ensure(w, k.length + valueBytes + 3);
  const b = w.buf;
  let at = w.pos;
  b[at++] = (field << 3) | 2;
  b[at++] = k.length + 1 + valueBytes;
  b.set(k, at);
  at += k.length;
  b[at++] = valueBytes;
  w.pos = at;
};

/** Writes `KeyValue` `field` for a short ASCII string in one pass; false (nothing written) otherwise. */
const shortString = (w: ProtoWriter, field: number, k: Uint8Array, v: string): boolean => {
  const n = v.length;
  if (k.length + 3 + n >= 0x80) return false;
  const start = w.pos;
  head(w, field, k, n + 2);
  const b = w.buf;
  b[w.pos] = 0x0a;
  b[w.pos + 1] = n;
  const at = ascii(b, w.pos + 2, v);
  w.pos = at < 0 ? start : at;
  return at >= 0;
};

/** Writes `KeyValue` `field` for an integer in [0, 2^28) in one pass. */
const smallInt = (w: ProtoWriter, field: number, k: Uint8Array, v: number) => {
  head(w, field, k, 1 + varintSize(v));
  tag(w, 3, 0);
  varint(w, v);
};

/** Writes `KeyValue` `field` for a double in one pass. */
const shortDouble = (w: ProtoWriter, field: number, k: Uint8Array, v: number) => {
  head(w, field, k, 9);
  tag(w, 4, 1);
  double(w, v);
};

/** Writes one attribute as `KeyValue` `field`; `k` is its key's {@link keyField}. */
export const attribute = (w: ProtoWriter, field: number, k: Uint8Array, v: AttributeValue | undefined) => {
  if (k.length < 0x60) {
    if (typeof v === 'string' && shortString(w, field, k, v)) return;
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) {
        shortDouble(w, field, k, v);
        return;
      }
      if (v >= 0 && v < 0x10000000) {
        smallInt(w, field, k, v);
        return;
      }
    }
  }
  tag(w, field, 2);
  const kv = begin(w);
  ensure(w, k.length);
  w.buf.set(k, w.pos);
  w.pos += k.length;
  const any = begin(w);
  if (v !== undefined) value(w, v);
  end(w, any);
  end(w, kv);
};

/** Each attribute of `attrs` as a repeated `KeyValue` under `field`. */
export const attributes = (
  w: ProtoWriter,
  attrs: Readonly<Record<string, AttributeValue | undefined>>,
  field: number,
) => {
  for (const key in attrs) attribute(w, field, keyField(key), attrs[key]);
};
