/**
 * Seeded pseudo-random numbers for the simulators (mulberry32: 32-bit state, fast, good enough
 * for noise and traffic; not for anything secret). The same seed gives the same sequence, so a
 * simulated day can be replayed exactly in tests.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Current internal state; `createPrng(prng.state)` continues the same sequence. */
  readonly state: number;
}

export function createPrng(seed: number): Prng {
  let a = seed >>> 0;
  return {
    next(): number {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    get state(): number {
      return a;
    },
  };
}

/** Uniform in [min, max). */
export function uniform(rng: Prng, min: number, max: number): number {
  return min + (max - min) * rng.next();
}

/** Exponentially distributed waiting time with the given mean. */
export function exponential(rng: Prng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}
