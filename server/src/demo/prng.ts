/**
 * Seeded randomness for the demo clinic: a small, fast PRNG (mulberry32) for content and a 128-bit
 * generator (xoshiro128**) for UUID-shaped ids. Same seed → same sequence, on every platform.
 */

/** 32-bit FNV-1a hash of a string, then one splitmix-style avalanche. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Random {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashSeed(seed);
  }

  /** Uniform in [0, 1). mulberry32. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: entries are [value, weight]. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return (entries[entries.length - 1] as readonly [T, number])[0];
  }

  /** Approximately normal (Irwin–Hall of 4 uniforms), mean 0, sd 1. */
  gaussian(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * Math.sqrt(3);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

/**
 * UUID-shaped (version 4 layout) ids from xoshiro128**, seeded from a string. Uniqueness within one
 * factory is checked, so a (astronomically unlikely) repeat is skipped deterministically.
 */
export class IdFactory {
  private readonly s = new Uint32Array(4);
  private readonly issued = new Set<string>();

  constructor(seed: string) {
    for (let i = 0; i < 4; i++) this.s[i] = hashSeed(`${seed}#${i}`) || 0x9e3779b9;
  }

  private nextWord(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1] as number, 5), 7), 9) >>> 0;
    const t = ((s[1] as number) << 9) >>> 0;
    s[2] = (s[2] as number) ^ (s[0] as number);
    s[3] = (s[3] as number) ^ (s[1] as number);
    s[1] = (s[1] as number) ^ (s[2] as number);
    s[0] = (s[0] as number) ^ (s[3] as number);
    s[2] = (s[2] as number) ^ t;
    s[3] = rotl(s[3] as number, 11);
    return result;
  }

  next(): string {
    for (;;) {
      const a = this.nextWord();
      const b = this.nextWord();
      const c = this.nextWord();
      const d = this.nextWord();
      const id =
        hex(a, 8) +
        '-' +
        hex(b >>> 16, 4) +
        '-' +
        hex(((b & 0x0fff) | 0x4000) >>> 0, 4) +
        '-' +
        hex(((c >>> 16) & 0x3fff) | 0x8000, 4) +
        '-' +
        hex(c & 0xffff, 4) +
        hex(d, 8);
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).padStart(width, '0');
}
