// K-weighted energy per 100 ms block (ITU-R BS.1770-4 K-weighting: high shelf, then RLB high-pass).
// CPU reference: kWeightedBlockEnergies in src/dsp/k-weighting.ts.
//
// The biquads are recursive, so one invocation owns one (block, channel) pair and runs the filter itself:
// it starts from a zero state `warmup` samples before its block (the filter "forgets" its start: the RLB
// pole pair decays below 1e-9 within 100 ms at any sample rate) and sums y² over its block only.
// Float32 throughout; squares are summed in runs of 64 before joining the block total to limit rounding.
// The RLB high-pass has a double pole pair within 0.0025 of z = 1 at 192 kHz, where a float32 direct form loses
// ~0.03 dB; it runs in a "delta" form instead: with d2 = a2 − 1 and dsum = a1 + a2 + 1 (both small, so float32
// holds them to full relative precision), state (y[n−1], Δ = y[n−1] − y[n−2]) and v = g·(x − 2x[n−1] + x[n−2]):
//   Δ' = Δ·(1 + d2) + v − dsum·y[n−1],  y = y[n−1] + Δ'   (algebraically the same recursion).

struct Params {
  shelf_b: vec4<f32>,   // b0, b1, b2, unused
  shelf_a: vec4<f32>,   // a1, a2, unused, unused
  hp: vec4<f32>,        // g (numerator gain), d2 = a2 − 1, dsum = a1 + a2 + 1, unused
  _unused: vec4<f32>,
  slice_length: u32,    // samples per channel in this upload
  slice_start: u32,     // absolute index of the slice's first sample
  first_block: u32,     // absolute index of this dispatch's first block
  block_count: u32,     // blocks in this dispatch
  block_samples: u32,
  warmup_samples: u32,
  channel_count: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> samples: array<f32>;        // channel-major: c * slice_length + n
@group(0) @binding(2) var<storage, read_write> energies: array<f32>; // channel-major: c * block_count + b

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let b = id.x;
  let c = id.y;
  if (b >= params.block_count || c >= params.channel_count) {
    return;
  }
  let absolute_start = (params.first_block + b) * params.block_samples;
  let warmup = min(params.warmup_samples, absolute_start);
  let base = c * params.slice_length;
  let start = absolute_start - params.slice_start;
  let first = start - warmup;
  let end = start + params.block_samples;

  var z1 = 0.0; var z2 = 0.0;
  var x1 = 0.0; var x2 = 0.0; var y_prev = 0.0; var delta = 0.0;
  var total = 0.0; var run = 0.0; var run_count = 0u;
  for (var n = first; n < end; n = n + 1u) {
    let x = samples[base + n];
    let y1 = params.shelf_b.x * x + z1;
    z1 = params.shelf_b.y * x - params.shelf_a.x * y1 + z2;
    z2 = params.shelf_b.z * x - params.shelf_a.y * y1;
    let v = params.hp.x * ((y1 - x1) - (x1 - x2));
    x2 = x1;
    x1 = y1;
    delta = delta + params.hp.y * delta + v - params.hp.z * y_prev;
    let y2 = y_prev + delta;
    y_prev = y2;
    if (n >= start) {
      run = run + y2 * y2;
      run_count = run_count + 1u;
      if (run_count == 64u) {
        total = total + run;
        run = 0.0;
        run_count = 0u;
      }
    }
  }
  energies[c * params.block_count + b] = (total + run) / f32(params.block_samples);
}
