/**
 * Seeded pseudo-random numbers shared by the engine (flow-matching noise) and Griffin-Lim (initial phase), so a
 * seed reproduces a result on every platform. Algorithm: xoshiro128** (Blackman & Vigna, 2018) seeded by
 * splitmix32 from one 32-bit seed — 32-bit integer maths only, so the stream is identical in any JS engine.
 */

const TWO_POW_32 = 4294967296;

function splitmix32(state: number): [next: number, value: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box–Muller yields normals in pairs; the second one waits here. */
  private spareGaussian: number | null = null;

  /** `seed` is reduced to 32 bits (any finite number; non-integers are truncated). */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Prng seed must be a finite number, got ${seed}`);
    let state = Math.trunc(seed) | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, value] = splitmix32(state);
      state = next;
      words.push(value);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    // xoshiro must not start from the all-zero state (it would stay there).
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Standard normal N(0, 1) by the Box–Muller transform. */
  nextGaussian(): number {
    if (this.spareGaussian !== null) {
      const spare = this.spareGaussian;
      this.spareGaussian = null;
      return spare;
    }
    // u1 in (0, 1] so the log is finite.
    const u1 = (this.nextUint32() + 1) / TWO_POW_32;
    const u2 = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareGaussian = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Fills `out` with N(0, 1) samples and returns it. */
  fillGaussian<T extends Float32Array | Float64Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.nextGaussian();
    return out;
  }

  /** Fills `out` with U[0, 1) samples and returns it. */
  fillUniform<T extends Float32Array | Float64Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.nextFloat();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
