// Display spectrogram: one workgroup per frame. Loads a centred Hann-windowed frame (zeros outside the signal)
// as nFft/2 complex points (even samples real, odd imaginary) in bit-reversed order, runs a radix-2 FFT in
// workgroup memory, splits it into the nFft/2 + 1 real-signal bins, and writes, per log-frequency band, the
// peak power in dB mapped to [0, 1]. CPU reference: src/dsp/spectrogram.ts (same band table, same maths).

struct Params {
  nFft: u32,
  hop: u32,
  bands: u32,
  log2Half: u32,
  // First frame of this dispatch and how many frames it has (one workgroup each).
  frameOffset: u32,
  frameCount: u32,
  // Samples in the whole signal, and the global index of samples[0] in this chunk's upload.
  totalSamples: u32,
  chunkStart: u32,
  minDb: f32,
  maxDb: f32,
  // Power of a full-scale sine's peak bin: the 0 dB reference.
  referencePower: f32,
  _pad: f32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> samples: array<f32>;
// Per band: first and last FFT bin (inclusive).
@group(0) @binding(2) var<storage, read> bandBins: array<vec2<u32>>;
// window[nFft], then e^(−2πij/half) for j < half/2, then e^(−2πik/nFft) for k ≤ half, as (re, im) pairs.
@group(0) @binding(3) var<storage, read> tables: array<f32>;
@group(0) @binding(4) var<storage, read_write> image: array<f32>;

const WORKGROUP_SIZE: u32 = 256u;
// nFft ≤ 2048: 2 × 1024 + 1025 floats = 12.3 KiB, under WebGPU's guaranteed 16 KiB of workgroup storage.
var<workgroup> zr: array<f32, 1024>;
var<workgroup> zi: array<f32, 1024>;
var<workgroup> power: array<f32, 1025>;

fn windowedSample(frame: u32, n: u32) -> f32 {
  let g = i32(frame * params.hop + n) - i32(params.nFft / 2u);
  if (g < 0 || u32(g) >= params.totalSamples) {
    return 0.0;
  }
  return samples[u32(g) - params.chunkStart] * tables[n];
}

fn fftTwiddle(j: u32) -> vec2<f32> {
  let at = params.nFft + 2u * j;
  return vec2<f32>(tables[at], tables[at + 1u]);
}

fn splitTwiddle(k: u32) -> vec2<f32> {
  let at = params.nFft + params.nFft / 2u + 2u * k;
  return vec2<f32>(tables[at], tables[at + 1u]);
}

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // workgroup_id is uniform across the workgroup, so this return keeps the barriers below in uniform control flow.
  if (wg.x >= params.frameCount) {
    return;
  }
  let frame = params.frameOffset + wg.x;
  let half = params.nFft / 2u;

  for (var k = lid; k < half; k += WORKGROUP_SIZE) {
    let r = reverseBits(k) >> (32u - params.log2Half);
    zr[r] = windowedSample(frame, 2u * k);
    zi[r] = windowedSample(frame, 2u * k + 1u);
  }
  workgroupBarrier();

  for (var h = 1u; h < half; h = h * 2u) {
    let stride = half / (2u * h);
    for (var i = lid; i < half / 2u; i += WORKGROUP_SIZE) {
      let j = i % h;
      let a = (i / h) * 2u * h + j;
      let b = a + h;
      let t = cmul(vec2<f32>(zr[b], zi[b]), fftTwiddle(j * stride));
      let u = vec2<f32>(zr[a], zi[a]);
      zr[a] = u.x + t.x;
      zi[a] = u.y + t.y;
      zr[b] = u.x - t.x;
      zi[b] = u.y - t.y;
    }
    workgroupBarrier();
  }

  // X[k] = Fe[k] + e^(−2πik/N)·Fo[k], Fe = (Z[k] + conj Z[half−k]) / 2, Fo = (Z[k] − conj Z[half−k]) / 2i.
  for (var k = lid; k <= half; k += WORKGROUP_SIZE) {
    let a = select(k, 0u, k == half);
    let b = select(half - k, 0u, k == 0u);
    let even = vec2<f32>(0.5 * (zr[a] + zr[b]), 0.5 * (zi[a] - zi[b]));
    let odd = vec2<f32>(0.5 * (zi[a] + zi[b]), -0.5 * (zr[a] - zr[b]));
    let x = even + cmul(splitTwiddle(k), odd);
    power[k] = dot(x, x);
  }
  workgroupBarrier();

  for (var band = lid; band < params.bands; band += WORKGROUP_SIZE) {
    let bins = bandBins[band];
    var peak = 0.0;
    for (var k = bins.x; k <= bins.y; k++) {
      peak = max(peak, power[k]);
    }
    // 10·log10(x) = 10·log10(2)·log2(x); 1e-20 keeps silence finite, as in the CPU reference.
    let db = 3.0102999566 * log2(peak / params.referencePower + 1e-20);
    image[wg.x * params.bands + band] = clamp((db - params.minDb) / (params.maxDb - params.minDb), 0.0, 1.0);
  }
}
