/**
 * Decoded VideoFrame → RGB planar CHW float32 in [0, 1] at the requested size (stretched, aspect not kept).
 * Browser: OffscreenCanvas drawImage scales on the GPU, getImageData reads RGBA back.
 * Node (no canvas): VideoFrame.copyTo, then an area (box-filter) resize on the CPU, which averages every covered
 * source pixel so downscaling does not alias. I420 frames are resized per plane and converted to RGB at the target
 * size (cheap); other formats are converted to RGBA by copyTo first.
 */
import type { RotationDeg } from './demuxer';

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

/** One 8-bit channel inside a buffer: `step` bytes between neighbours in a row (1 for planar, 4 for RGBA). */
export interface PlaneView {
  data: Uint8Array | Uint8ClampedArray;
  offset: number;
  strideBytes: number;
  step: number;
  width: number;
  height: number;
}

/** Area-resizes one channel to dstWidth×dstHeight; output values stay in 0..255. Taps may be passed in when reused. */
export function areaResizePlane(
  src: PlaneView, dstWidth: number, dstHeight: number,
  wx = areaWeights(src.width, dstWidth), wy = areaWeights(src.height, dstHeight),
): Float32Array {
  const { data, offset, strideBytes, step, width } = src;
  const out = new Float32Array(dstWidth * dstHeight);
  // Vertical pass first, one output row at a time: its inner loop walks source rows sequentially (cache-friendly),
  // and the horizontal pass then only touches dstHeight rows. Profiled as the Node ingest's hot spot (56 % of the
  // main thread on 720p): the accumulator is Float64Array (no float32 rounding per add), the first tap assigns
  // instead of clearing, and planar input (step 1) has its own loop without the multiply in the index.
  const column = new Float64Array(width);
  const { index: xIndex, weight: xWeight, offsets: xOffsets } = wx;
  for (let dy = 0; dy < dstHeight; dy++) {
    const first = wy.offsets[dy];
    for (let k = first, end = wy.offsets[dy + 1]; k < end; k++) {
      const w = wy.weight[k];
      const rowStart = offset + wy.index[k] * strideBytes;
      if (k === first && step === 1) for (let x = 0; x < width; x++) column[x] = data[rowStart + x] * w;
      else if (k === first) for (let x = 0; x < width; x++) column[x] = data[rowStart + x * step] * w;
      else if (step === 1) for (let x = 0; x < width; x++) column[x] += data[rowStart + x] * w;
      else for (let x = 0; x < width; x++) column[x] += data[rowStart + x * step] * w;
    }
    const outRow = dy * dstWidth;
    for (let dx = 0; dx < dstWidth; dx++) {
      let acc = 0;
      for (let k = xOffsets[dx], end = xOffsets[dx + 1]; k < end; k++) acc += column[xIndex[k]] * xWeight[k];
      out[outRow + dx] = acc;
    }
  }
  return out;
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
  const plane = dstWidth * dstHeight;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const resized = areaResizePlane({ ...src, offset: c, step: 4 }, dstWidth, dstHeight);
    for (let i = 0; i < plane; i++) out[c * plane + i] = resized[i] / 255;
  }
  return out;
}

/** Y′CbCr → R′G′B′ coefficients [crToR, cbToG, crToG, cbToB] (ITU-R BT.601 / BT.709, from Kr and Kb). */
function yuvCoefficients(matrix: 'bt601' | 'bt709'): [number, number, number, number] {
  const [kr, kb] = matrix === 'bt709' ? [0.2126, 0.0722] : [0.299, 0.114];
  const kg = 1 - kr - kb;
  return [2 * (1 - kr), (2 * kb * (1 - kb)) / kg, (2 * kr * (1 - kr)) / kg, 2 * (1 - kb)];
}

export interface YuvPlanes {
  y: Float32Array;
  u: Float32Array;
  v: Float32Array;
  matrix: 'bt601' | 'bt709';
  fullRange: boolean;
}

/** Same-size Y, Cb, Cr planes (0..255) → RGB planar CHW float32 in [0, 1]. */
export function yuvToRgbChw(p: YuvPlanes, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const [rv, gu, gv, bu] = yuvCoefficients(p.matrix);
  // Limited ("TV") range puts luma on 16..235 and chroma on 16..240 (BT.601 §2.5.3).
  const yScale = p.fullRange ? 1 / 255 : 1 / 219;
  const yBias = p.fullRange ? 0 : 16;
  const cScale = p.fullRange ? 1 / 255 : 1 / 224;
  for (let i = 0; i < plane; i++) {
    const y = (p.y[i] - yBias) * yScale;
    const u = (p.u[i] - 128) * cScale;
    const v = (p.v[i] - 128) * cScale;
    out[i] = Math.min(1, Math.max(0, y + rv * v));
    out[plane + i] = Math.min(1, Math.max(0, y - gu * u - gv * v));
    out[2 * plane + i] = Math.min(1, Math.max(0, y + bu * u));
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

/** Rotates each plane of a CHW tensor clockwise; a 90/270 turn swaps width and height. */
export function rotateChw(data: Float32Array, width: number, height: number, rotationDeg: RotationDeg): Float32Array {
  if (rotationDeg === 0) return data;
  const plane = width * height;
  const out = new Float32Array(data.length);
  const outWidth = rotationDeg === 180 ? width : height;
  for (let c = 0; c < data.length / plane; c++) {
    const base = c * plane;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        // Clockwise 90: (x, y) → (height−1−y, x); 180: (width−1−x, height−1−y); 270: (y, width−1−x).
        const [ox, oy] = rotationDeg === 90 ? [height - 1 - y, x] : rotationDeg === 180 ? [width - 1 - x, height - 1 - y] : [y, width - 1 - x];
        out[base + oy * outWidth + ox] = data[base + y * width + x];
      }
    }
  }
  return out;
}

export type FrameConverter = (frame: VideoFrame) => Promise<Float32Array>;

function canvasConverter(width: number, height: number, rotationDeg: RotationDeg): FrameConverter {
  const canvas = new OffscreenCanvas(width, height);
  // A GPU-backed canvas: drawImage scales the (often GPU-resident) decoded frame on the GPU and getImageData reads
  // back only width×height pixels. willReadFrequently would force a CPU canvas and a full-size readback per frame.
  const ctx = canvas.getContext('2d', { willReadFrequently: false });
  if (!ctx) throw new Error('OffscreenCanvas 2D context is unavailable.');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  // Draw the unrotated picture centred and turned, so the canvas holds the display orientation.
  const turned = rotationDeg === 90 || rotationDeg === 270;
  const [drawWidth, drawHeight] = turned ? [height, width] : [width, height];
  ctx.translate(width / 2, height / 2);
  ctx.rotate((rotationDeg * Math.PI) / 180);
  return async (frame) => {
    ctx.drawImage(frame, -drawWidth / 2, -drawHeight / 2, drawWidth, drawHeight);
    return rgbaToChw(ctx.getImageData(0, 0, width, height).data, width, height);
  };
}

/** Untagged streams: HD and larger are BT.709, smaller ones BT.601 — the convention players (and Chromium) follow. */
function matrixOf(frame: VideoFrame): 'bt601' | 'bt709' {
  const m = frame.colorSpace?.matrix;
  if (m === 'bt709') return 'bt709';
  if (m === 'bt470bg' || m === 'smpte170m') return 'bt601';
  return frame.displayHeight >= 720 ? 'bt709' : 'bt601';
}

/**
 * What the CPU path keeps between frames of one stream: the copyTo buffer (a 720p frame is 1.4 MB; a new one per
 * frame showed up as 12 % garbage collection in the profile) and the resize taps, which depend only on the sizes.
 */
interface CpuScratch {
  bytes(length: number): Uint8Array;
  weights(srcSize: number, dstSize: number): AxisWeights;
}

function cpuScratch(): CpuScratch {
  let buffer = new Uint8Array(0);
  const taps = new Map<string, AxisWeights>();
  return {
    bytes: (length) => {
      if (buffer.length < length) buffer = new Uint8Array(length);
      return buffer.subarray(0, length);
    },
    weights: (srcSize, dstSize) => {
      const key = `${srcSize}>${dstSize}`;
      let w = taps.get(key);
      if (!w) taps.set(key, (w = areaWeights(srcSize, dstSize)));
      return w;
    },
  };
}

/** I420 (the usual decoder output): resize Y, U and V at their own sizes, convert to RGB only at the target size. */
async function i420ToChw(frame: VideoFrame, width: number, height: number, scratch: CpuScratch): Promise<Float32Array> {
  const data = scratch.bytes(frame.allocationSize());
  const layout = await frame.copyTo(data);
  const { width: w, height: h } = frame.visibleRect ?? { width: frame.displayWidth, height: frame.displayHeight };
  const cw = Math.ceil(w / 2), ch = Math.ceil(h / 2);
  const plane = (i: number, pw: number, ph: number) => areaResizePlane(
    { data, offset: layout[i].offset, strideBytes: layout[i].stride, step: 1, width: pw, height: ph }, width, height,
    scratch.weights(pw, width), scratch.weights(ph, height),
  );
  return yuvToRgbChw(
    { y: plane(0, w, h), u: plane(1, cw, ch), v: plane(2, cw, ch), matrix: matrixOf(frame), fullRange: frame.colorSpace?.fullRange === true },
    width, height,
  );
}

async function rgbaToChwResized(frame: VideoFrame, width: number, height: number, scratch: CpuScratch): Promise<Float32Array> {
  const options = { format: 'RGBA' } as VideoFrameCopyToOptions;
  const data = scratch.bytes(frame.allocationSize(options));
  const layout = await frame.copyTo(data, options);
  // copyTo copies the visible rectangle (WebCodecs §9.4.5), so its size, not the coded size, is the image size.
  const { width: srcWidth, height: srcHeight } = frame.visibleRect ?? { width: frame.displayWidth, height: frame.displayHeight };
  const strideBytes = layout[0]?.stride ?? srcWidth * 4;
  return areaResizeRgbaToChw({ data, width: srcWidth, height: srcHeight, strideBytes }, width, height);
}

function cpuConverter(width: number, height: number, rotationDeg: RotationDeg): FrameConverter {
  const turned = rotationDeg === 90 || rotationDeg === 270;
  const [w, h] = turned ? [height, width] : [width, height];
  const scratch = cpuScratch();
  return async (frame) => {
    const chw = await (frame.format === 'I420' ? i420ToChw(frame, w, h, scratch) : rgbaToChwResized(frame, w, h, scratch));
    return rotateChw(chw, w, h, rotationDeg);
  };
}

/**
 * Picks the GPU canvas path when the runtime has OffscreenCanvas, the CPU path otherwise. `width`×`height` is the
 * output in display orientation: the decoded picture is turned clockwise by `rotationDeg` first.
 */
export function createFrameConverter(width: number, height: number, rotationDeg: RotationDeg = 0): FrameConverter {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`Frame size must be positive integers, got ${width}×${height}.`);
  }
  return typeof OffscreenCanvas !== 'undefined' ? canvasConverter(width, height, rotationDeg) : cpuConverter(width, height, rotationDeg);
}
