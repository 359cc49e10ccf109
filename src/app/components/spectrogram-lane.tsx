import { useEffect, useRef, useState } from 'react';
import { DEFAULT_SPECTROGRAM, type SpectrogramImage } from '../../dsp/spectrogram';
import { computeSpectrogram, monoMixReader, type SpectrogramBackend } from '../../../shaders/stft-spectrogram';
import { useAppState } from '../use-session';

/**
 * Image rows at most (frames max-pooled in groups beyond it): wider than the lane at 2× on a 1920 px screen. A row per
 * frame would be 51 680 for a 10-minute take, a 26 MB image held three times over (the result, the ImageData and the
 * canvas) for a lane a few thousand pixels wide. bench/long-form-memory-browser, 10-minute renderer peak: 877 MB with
 * a row per frame, 790 MB with this, 745 MB with no lane at all.
 */
const LANE_COLUMNS = 4096;

/** Dark blue → teal → yellow; t in [0, 1]. Returns [r, g, b] in 0..255. */
function colour(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [20, 23, 31],
    [40, 60, 130],
    [40, 170, 150],
    [250, 220, 90],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f)) as [number, number, number];
}

/** One canvas pixel per frame and band, low frequencies at the bottom; CSS stretches it over the lane. */
function paint(canvas: HTMLCanvasElement, image: SpectrogramImage): void {
  canvas.width = image.frames;
  canvas.height = image.bands;
  const context = canvas.getContext('2d');
  if (!context || image.frames === 0) return;
  const pixels = context.createImageData(image.frames, image.bands);
  for (let frame = 0; frame < image.frames; frame++) {
    for (let band = 0; band < image.bands; band++) {
      const [r, g, b] = colour(image.data[frame * image.bands + band]);
      const offset = ((image.bands - 1 - band) * image.frames + frame) * 4;
      pixels.data.set([r, g, b, 255], offset);
    }
  }
  context.putImageData(pixels, 0, 0);
}

/**
 * Log-frequency spectrogram of the generated track (WebGPU shader, CPU fallback). The mono mix is read a part at a
 * time (monoMixReader): a full-length mix of a 10-minute take would be another 100 MB, and its worker copy another.
 */
export function SpectrogramLane() {
  const result = useAppState((state) => state.result);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [backend, setBackend] = useState<SpectrogramBackend | 'failed' | null>(null);
  useEffect(() => {
    if (!result) return;
    const controller = new AbortController();
    const params = { ...DEFAULT_SPECTROGRAM, sampleRate: result.sampleRate, fmaxHz: Math.min(DEFAULT_SPECTROGRAM.fmaxHz, result.sampleRate / 2) };
    setBackend(null);
    computeSpectrogram(monoMixReader(result.channels), params, { signal: controller.signal, columns: LANE_COLUMNS }).then(
      (image) => {
        if (canvas.current) paint(canvas.current, image);
        setBackend(image.backend);
      },
      () => {
        if (!controller.signal.aborted) setBackend('failed');
      },
    );
    return () => controller.abort();
  }, [result]);
  if (!result) return null;
  return (
    <div className="lane lane-spectrogram" aria-label="Spectrogram of the generated audio" data-testid="spectrogram-lane" data-backend={backend ?? 'pending'}>
      <span className="lane-label">Spectrogram{backend === 'failed' ? ' · could not be computed' : ''}</span>
      <canvas ref={canvas} className="spectrogram" data-testid="spectrogram" />
    </div>
  );
}
