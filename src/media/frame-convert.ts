/**
 * Decoded VideoFrame → RGB planar CHW float32 in [0, 1] at the requested size (stretched, aspect not kept).
 * Browser: OffscreenCanvas drawImage scales on the GPU, getImageData reads RGBA back.
 * Node (no canvas): VideoFrame.copyTo converts to RGBA, then an area (box-filter) resize on the CPU, which
 * averages every covered source pixel so downscaling does not alias.
 */

interface AxisWeights {
  /** For destination index d, its taps are [offsets[d], offsets[d + 1]) in `index` / `weight`. */
  offsets: Int32Array;
  index: Int32Array;
  weight: Float32Array;
}

/** Box-filter taps mapping `srcSize` pixels onto `dstSize`: each output covers srcSize/dstSize input pixels. */
export function areaWeights(srcSize: number, dstSize: number): AxisWeights {
  const scale = srcSize / dstSize;
  const offsets = new Int32Array(dstSize + 1);
  const index: number[] = [];
  const weight: number[] = [];
  for (let d = 0; d < dstSize; d++) {
    const a = d * scale;
    const b = Math.min(srcSize, (d + 1) * scale);
    let total = 0;
    for (let i = Math.floor(a); i < Math.ceil(b); i++) {
      const w = Math.min(i + 1, b) - Math.max(i, a);
      if (w <= 1e-9) continue;
      index.push(i);
      weight.push(w);
      total += w;
    }
    for (let k = offsets[d]; k < index.length; k++) weight[k] /= total;
    offsets[d + 1] = index.length;
  }
  return { offsets, index: Int32Array.from(index), weight: Float32Array.from(weight) };
}

export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** Bytes from one row to the next (≥ 4·width). */
  strideBytes: number;
}

/** Area-resizes an RGBA image to dstWidth×dstHeight and returns RGB planar CHW float32 in [0, 1]. */
export function areaResizeRgbaToChw(src: RgbaImage, dstWidth: number, dstHeight: number): Float32Array {
  const wx = areaWeights(src.width, dstWidth);
  const wy = areaWeights(src.height, dstHeight);
  // Horizontal pass: (srcHeight, dstWidth, 3) in 0..255.
  const rows = new Float32Array(src.height * dstWidth * 3);
  for (let y = 0; y < src.height; y++) {
    const rowStart = y * src.strideBytes;
    for (let dx = 0; dx < dstWidth; dx++) {
      let r = 0, g = 0, b = 0;
      for (let k = wx.offsets[dx]; k < wx.offsets[dx + 1]; k++) {
        const p = rowStart + wx.index[k] * 4;
        const w = wx.weight[k];
        r += src.data[p] * w;
        g += src.data[p + 1] * w;
        b += src.data[p + 2] * w;
      }
      const o = (y * dstWidth + dx) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  // Vertical pass straight into CHW planes, scaled to [0, 1].
  const plane = dstWidth * dstHeight;
  const out = new Float32Array(3 * plane);
  for (let dy = 0; dy < dstHeight; dy++) {
    for (let k = wy.offsets[dy]; k < wy.offsets[dy + 1]; k++) {
      const w = wy.weight[k] / 255;
      const rowBase = wy.index[k] * dstWidth * 3;
      for (let dx = 0; dx < dstWidth; dx++) {
        const s = rowBase + dx * 3;
        const o = dy * dstWidth + dx;
        out[o] += rows[s] * w;
        out[plane + o] += rows[s + 1] * w;
        out[2 * plane + o] += rows[s + 2] * w;
      }
    }
  }
  return out;
}

/** Converts same-size RGBA pixels (e.g. from getImageData) to CHW float32 in [0, 1]. */
export function rgbaToChw(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[i] = rgba[i * 4] / 255;
    out[plane + i] = rgba[i * 4 + 1] / 255;
    out[2 * plane + i] = rgba[i * 4 + 2] / 255;
  }
  return out;
}

export type FrameConverter = (frame: VideoFrame) => Promise<Float32Array>;

function canvasConverter(width: number, height: number): FrameConverter {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('OffscreenCanvas 2D context is unavailable.');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  return async (frame) => {
    ctx.drawImage(frame, 0, 0, width, height);
    return rgbaToChw(ctx.getImageData(0, 0, width, height).data, width, height);
  };
}

function cpuConverter(width: number, height: number): FrameConverter {
  return async (frame) => {
    const options = { format: 'RGBA' } as VideoFrameCopyToOptions;
    const data = new Uint8Array(frame.allocationSize(options));
    const layout = await frame.copyTo(data, options);
    // copyTo copies the visible rectangle (WebCodecs §9.4.5), so its size, not the coded size, is the image size.
    const { width: srcWidth, height: srcHeight } = frame.visibleRect ?? { width: frame.displayWidth, height: frame.displayHeight };
    const strideBytes = layout[0]?.stride ?? srcWidth * 4;
    return areaResizeRgbaToChw({ data, width: srcWidth, height: srcHeight, strideBytes }, width, height);
  };
}

/** Picks the GPU canvas path when the runtime has OffscreenCanvas, the CPU path otherwise. */
export function createFrameConverter(width: number, height: number): FrameConverter {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`Frame size must be positive integers, got ${width}×${height}.`);
  }
  return typeof OffscreenCanvas !== 'undefined' ? canvasConverter(width, height) : cpuConverter(width, height);
}
