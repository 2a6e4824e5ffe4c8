/**
 * Deterministic noise: a value for (seed, stream, time) by hashing, not by drawing in sequence,
 * so the same query over the same time returns the same numbers whatever was asked before.
 */
function hash32(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in (0, 1). */
export function uniform(seed: number, stream: string, t: number): number {
  return (hash32(`${seed}|${stream}|${t}`) + 0.5) / 4294967296;
}

/** Standard normal (Box–Muller over two hashed uniforms). */
export function gaussian(seed: number, stream: string, t: number): number {
  const u1 = uniform(seed, `${stream}:a`, t);
  const u2 = uniform(seed, `${stream}:b`, t);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
