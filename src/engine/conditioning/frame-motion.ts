/**
 * Motion of the picture as the real-clip scores define it (src/metrics/av-align.ts): each frame in grey (BT.601
 * luma), motion = mean |grey[k+1] − grey[k]| over the pixels. Shared by take ranking (takes.ts, its own pass at the
 * stream's rate) and clip conditioning (video-features.ts, on the sync frames it decodes anyway).
 */

/** Running motion over a stream of RGB planar CHW frames in [0, 1] (all the same size). */
export class FrameMotion {
  private previous: Float32Array | null = null;
  private readonly values: number[] = [];

  push(rgb: Float32Array): void {
    const plane = rgb.length / 3;
    const grey = new Float32Array(plane);
    for (let i = 0; i < plane; i++) grey[i] = 0.299 * rgb[i]! + 0.587 * rgb[plane + i]! + 0.114 * rgb[2 * plane + i]!;
    if (this.previous) {
      let sum = 0;
      for (let i = 0; i < plane; i++) sum += Math.abs(grey[i]! - this.previous[i]!);
      this.values.push(sum / plane);
    }
    this.previous = grey;
  }

  /** motion[k] between frames k and k + 1 (at time (k + 1) / fps). */
  motion(): Float64Array {
    return Float64Array.from(this.values);
  }
}
