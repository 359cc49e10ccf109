/**
 * Synthesis of the EBU Tech 3341 / Tech 3342 test signals, the signals of their compliance cases.
 * Levels are per-channel peak dBFS of a 1 kHz sine unless said otherwise; −Infinity is digital silence.
 */

export interface ToneSegment {
  durationSec: number;
  /** Peak level of the sine, dBFS; −Infinity for silence. */
  peakDbfs: number;
}

/** Concatenated sine segments with a continuous phase, so level changes add no clicks of their own. */
export function toneSequence(segments: readonly ToneSegment[], sampleRate: number, frequencyHz = 1000): Float32Array {
  const lengths = segments.map((s) => Math.round(s.durationSec * sampleRate));
  const out = new Float32Array(lengths.reduce((a, b) => a + b, 0));
  let n = 0;
  segments.forEach((segment, i) => {
    const amplitude = 10 ** (segment.peakDbfs / 20);
    for (let k = 0; k < lengths[i]; k++, n++) out[n] = amplitude * Math.sin((2 * Math.PI * frequencyHz * n) / sampleRate);
  });
  return out;
}

/** The same signal in phase on both channels of a stereo pair (the Tech 3341 default). */
export function stereo(channel: Float32Array): Float32Array[] {
  return [channel, channel.slice()];
}

/** `times` repetitions of a segment pattern (cases 9 and 12). */
export function repeated(pattern: readonly ToneSegment[], times: number): ToneSegment[] {
  return Array.from({ length: times }, () => pattern).flat();
}

/**
 * Tech 3341 cases 15–19: a sine at `cyclesPerSample`·fs with `amplitude` (linear, 1 = full scale) and start
 * phase, 10 ms linear fade in and out, 1 s long.
 */
export function truePeakSine(sampleRate: number, cyclesPerSample: number, amplitude: number, phaseDeg: number): Float32Array {
  const length = sampleRate;
  const fade = Math.round(0.01 * sampleRate);
  return Float32Array.from({ length }, (_, n) => {
    const envelope = Math.min(1, n / fade, (length - 1 - n) / fade);
    return envelope * amplitude * Math.sin(2 * Math.PI * cyclesPerSample * n + (phaseDeg * Math.PI) / 180);
  });
}

/** Kaiser-windowed sinc low-pass, `taps` odd, cutoff in cycles per sample, unity DC gain. */
function lowPass(taps: number, cutoff: number, beta: number): Float64Array {
  const i0 = (x: number): number => {
    let sum = 1;
    let term = 1;
    for (let k = 1; k < 50; k++) {
      term *= (x / (2 * k)) ** 2;
      sum += term;
    }
    return sum;
  };
  const centre = (taps - 1) / 2;
  const h = Float64Array.from({ length: taps }, (_, j) => {
    const t = j - centre;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    return (sinc * i0(beta * Math.sqrt(1 - (t / centre) ** 2))) / i0(beta);
  });
  const sum = h.reduce((a, b) => a + b, 0);
  return h.map((v) => v / sum);
}

/**
 * Tech 3341 cases 20–23: an fs/6 sine at 0.5 containing one period of an fs/4 sine at 1.0, phase-continuous
 * (the burst starts and ends on rising zero crossings), synthesised at 4·fs, low-pass filtered below fs/2 and
 * decimated by 4 starting at `offset` (0–3). Its reconstructed peak is 1.0 (0 dBTP).
 */
export function interSamplePeakBurst(sampleRate: number, offset: number): Float32Array {
  const up = 4;
  const fastRate = sampleRate * up;
  const lengthUp = sampleRate * up; // 1 s at 4·fs
  const burstStart = Math.round(lengthUp / 2 / 24) * 24; // a rising zero crossing of fs/6 (24 samples per period at 4·fs)
  const burstLength = 16; // one period of fs/4 at 4·fs
  const x = new Float64Array(lengthUp);
  for (let n = 0; n < lengthUp; n++) {
    if (n >= burstStart && n < burstStart + burstLength) {
      x[n] = Math.sin((2 * Math.PI * (n - burstStart)) / burstLength);
    } else {
      const t = n < burstStart ? n : n - burstLength;
      x[n] = 0.5 * Math.sin((2 * Math.PI * (sampleRate / 6) * t) / fastRate);
    }
  }
  const h = lowPass(255, (0.45 * sampleRate) / fastRate, 8);
  const half = (h.length - 1) / 2;
  const out = new Float32Array(Math.floor((lengthUp - offset) / up));
  for (let m = 0; m < out.length; m++) {
    const n = m * up + offset;
    let y = 0;
    for (let j = 0; j < h.length; j++) {
      const k = n - half + j;
      if (k >= 0 && k < lengthUp) y += h[j] * x[k];
    }
    out[m] = y;
  }
  return out;
}
