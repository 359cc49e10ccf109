/**
 * Motion of the picture as the real-clip scores define it (src/metrics/av-align.ts): each frame in grey (BT.601
 * luma), motion = mean |grey[k+1] − grey[k]| over the pixels. Shared by take ranking (takes.ts, its own pass at the
 * stream's rate) and clip conditioning (video-features.ts, on the sync frames it decodes anyway), which reads
 * movement(): the same with changes of light left out.
 */

/**
 * A step whose change a brightness map (gain · grey + offset, fitted between the two frames) explains but for this
 * fraction is a change of light — a fade, an exposure or lighting change — not movement.
 */
const LIGHTING_RESIDUAL_FRACTION = 0.1;

/** Running motion over a stream of RGB planar CHW frames in [0, 1] (all the same size). */
export class FrameMotion {
  private previous: Float32Array | null = null;
  private readonly values: number[] = [];
  private readonly lighting: boolean[] = [];

  push(rgb: Float32Array): void {
    const plane = rgb.length / 3;
    const grey = new Float32Array(plane);
    for (let i = 0; i < plane; i++) grey[i] = 0.299 * rgb[i]! + 0.587 * rgb[plane + i]! + 0.114 * rgb[2 * plane + i]!;
    const previous = this.previous;
    if (previous) {
      let sum = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let sxy = 0;
      for (let i = 0; i < plane; i++) {
        const x = previous[i]!;
        const y = grey[i]!;
        sum += Math.abs(y - x);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
      }
      this.values.push(sum / plane);
      // Least-squares y ≈ gain · x + offset; a picture with no contrast (black) takes gain 1.
      const mx = sx / plane;
      const my = sy / plane;
      const vx = sxx / plane - mx * mx;
      const gain = vx > 1e-6 ? (sxy / plane - mx * my) / vx : 1;
      const offset = my - gain * mx;
      let rest = 0;
      for (let i = 0; i < plane; i++) rest += Math.abs(grey[i]! - gain * previous[i]! - offset);
      this.lighting.push(sum > 0 && rest <= LIGHTING_RESIDUAL_FRACTION * sum);
    }
    this.previous = grey;
  }

  /** motion[k] between frames k and k + 1 (at time (k + 1) / fps): mean |Δgrey|, as the real-clip scores define it. */
  motion(): Float64Array {
    return Float64Array.from(this.values);
  }

  /**
   * The same steps, 0 where the change is one of light (LIGHTING_RESIDUAL_FRACTION): a fade or a light switched on is
   * no movement and makes no sound. The engine's loudness curve reads this (motion-loudness.ts); the scores read
   * motion().
   */
  movement(): Float64Array {
    return Float64Array.from(this.values, (v, k) => (this.lighting[k] ? 0 : v));
  }
}
