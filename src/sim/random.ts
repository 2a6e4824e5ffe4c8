/**
 * Deterministic noise: a value for (seed, stream, time) by hashing, not by drawing in sequence,
 * so the same query over the same time returns the same numbers whatever was asked before.
 * Integer mixing (murmur3's finaliser) rather than hashing a built string: the simulator asks
 * for millions of these.
 */
function mix(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const streams = new Map<string, number>();
function streamHash(stream: string): number {
  let h = streams.get(stream);
  if (h === undefined) {
    h = 2166136261;
    for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 16777619);
    h = mix(h);
    streams.set(stream, h);
  }
  return h;
}

function hashed(seed: number, stream: number, t: number): number {
  let h = mix(seed ^ 0x9e3779b9);
  h = mix(h ^ stream);
  h = mix(h ^ (t % 4294967296));
  h = mix(h ^ Math.floor(t / 4294967296));
  return (h + 0.5) / 4294967296;
}

/** Uniform in (0, 1). */
export function uniform(seed: number, stream: string, t: number): number {
  return hashed(seed, streamHash(stream), t);
}

/** Standard normal (Box–Muller over two hashed uniforms). */
export function gaussian(seed: number, stream: string, t: number): number {
  const h = streamHash(stream);
  const u1 = hashed(seed, mix(h ^ 0xa5a5a5a5), t);
  const u2 = hashed(seed, mix(h ^ 0x5a5a5a5a), t);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
