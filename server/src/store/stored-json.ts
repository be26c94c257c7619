import { randomUUID } from 'node:crypto';

/**
 * The stored JSON of the resources a response carries, written as the bytes the store holds instead of being
 * serialized again. A search Bundle is mostly resources read from the store: parsing each row is needed (the
 * access policy and `_include` read them), but serializing them back and encoding the result to UTF-8 cost
 * about as much again (a 2 MB program summary search: 23 of 65 ms), and a single non-Latin-1 character
 * anywhere makes V8 build the whole response as a two-byte string.
 *
 * Invariant: a resource read from the store is not changed afterwards (what the policy redacts, `_elements`
 * subsets or a write stores is a new object). `WAYPOINT_VERIFY_STORED_JSON=1` (the test runners set it)
 * checks every reuse against a fresh serialization and throws on a difference, so a mutation shows in tests.
 */

const stored = new WeakMap<object, Buffer>();
/** Per process; stands in a placeholder string, which JSON.stringify writes as `"\u0000<nonce>:<n>"`. */
const nonce = randomUUID();
const placeholder = new RegExp(`"\\\\u0000${nonce}:(\\d+)"`, 'g');

/** Parses a row's JSON (as read from SQLite: UTF-8 bytes) and remembers the bytes for `toJsonBuffer`. */
export function parseStored<T extends object>(json: Buffer): T {
  const value = JSON.parse(json.toString('utf8')) as T;
  stored.set(value, json);
  return value;
}

/** `Buffer.from(JSON.stringify(value))`, with every resource read from the store written as its stored bytes. */
export function toJsonBuffer(value: unknown): Buffer {
  const raws: Buffer[] = [];
  const verify = process.env['WAYPOINT_VERIFY_STORED_JSON'] === '1';
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object') return v;
    const raw = stored.get(v);
    if (!raw) return v;
    if (verify && JSON.stringify(v) !== raw.toString('utf8')) {
      throw new Error(`A ${(v as { resourceType?: string }).resourceType} read from the store was changed`);
    }
    raws.push(raw);
    return `\u0000${nonce}:${raws.length - 1}`;
  }) as string | undefined;
  if (text === undefined) return Buffer.alloc(0);
  if (raws.length === 0) return Buffer.from(text);
  const pieces = text.split(placeholder);
  // split with a capture group: text, index, text, index, …, text
  return Buffer.concat(
    pieces.map((piece, i) => (i % 2 === 0 ? Buffer.from(piece) : (raws[Number(piece)] as Buffer))),
  );
}

/**
 * A resource read from the store whose JSON is parsed only when something reads more than its `resourceType`
 * and `id`: a search result that goes straight to the response (the access policy decided in SQL, nothing
 * includes from it) is written out as its stored bytes without ever being parsed. Reading, enumerating or
 * checking any other property parses it once; from then on the proxy forwards to the parsed resource.
 */
export function lazyStored<T extends object>(resourceType: string, id: string, json: Buffer): T {
  let parsed: T | undefined;
  const value = (): T => (parsed ??= JSON.parse(json.toString('utf8')) as T);
  const proxy = new Proxy({} as T, {
    get(_target, key) {
      if (parsed === undefined) {
        if (key === 'resourceType') return resourceType;
        if (key === 'id') return id;
        // JSON.stringify asks every object for toJSON before the replacer sees it; a resource has none.
        if (key === 'toJSON') return undefined;
      }
      return Reflect.get(value(), key);
    },
    has: (_target, key) => Reflect.has(value(), key),
    ownKeys: () => Reflect.ownKeys(value()),
    getOwnPropertyDescriptor(_target, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value(), key);
      // A proxy may report a property as own only if it is configurable or exists on its (empty) target.
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
    // A change (which the invariant rules out, but should one happen) applies to the parsed resource and
    // forgets the stored bytes, so the response carries what was changed.
    set(_target, key, v) {
      stored.delete(proxy);
      return Reflect.set(value(), key, v);
    },
    deleteProperty(_target, key) {
      stored.delete(proxy);
      return Reflect.deleteProperty(value(), key);
    },
    defineProperty(_target, key, descriptor) {
      stored.delete(proxy);
      return Reflect.defineProperty(value(), key, descriptor);
    },
  });
  stored.set(proxy, json);
  return proxy;
}
