import { useEffect, useMemo, useRef } from 'react';
import { LoudnessMeter, measureLoudness, type LoudnessMeasurement } from '../../dsp/loudness-meter';
import { useAppState, useSession } from '../use-session';

/** Display refresh for the live numbers, Hz; the meter itself is fed on every animation frame. */
const DISPLAY_RATE_HZ = 10;

type MeterKey = 'M' | 'S' | 'I' | 'LRA' | 'TP';

/** Live column before the playhead has passed any audio: nothing measured yet. */
function live(value: number, unit: string): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} ${unit}` : `— ${unit}`;
}

/** Whole-take column: a measured take always has figures; below the gate (silence, too short) is −∞, not unknown. */
function whole(value: number, unit: string): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} ${unit}` : `−∞ ${unit}`;
}

const ROWS: { key: MeterKey; label: string; takeLabel: string; unit: string; take: (m: LoudnessMeasurement) => number }[] = [
  { key: 'M', label: 'Momentary (400 ms)', takeLabel: 'highest', unit: 'LUFS', take: (m) => m.momentaryMax },
  { key: 'S', label: 'Short-term (3 s)', takeLabel: 'highest', unit: 'LUFS', take: (m) => m.shortTermMax },
  { key: 'I', label: 'Integrated', takeLabel: 'whole take', unit: 'LUFS', take: (m) => m.integrated },
  { key: 'LRA', label: 'Loudness range', takeLabel: 'whole take', unit: 'LU', take: (m) => m.lra },
  { key: 'TP', label: 'True peak', takeLabel: 'highest', unit: 'dBTP', take: (m) => m.truePeak },
];

/**
 * EBU R 128 meters of the generated take: its whole-take figures as soon as it exists (the same measures as
 * `foley measure`), and beside them the live values of the audio the playhead has passed (seeking back starts
 * those over).
 */
export function MetersPanel() {
  const session = useSession();
  const result = useAppState((state) => state.result);
  const cells = useRef<Partial<Record<MeterKey, HTMLElement | null>>>({});
  // Once per take; a restored project measures its restored take the same way.
  const take = useMemo(() => (result ? measureLoudness(result.channels, result.sampleRate) : null), [result]);
  useEffect(() => {
    if (!result) return;
    const meter = new LoudnessMeter({ sampleRate: result.sampleRate, channelCount: result.channels.length });
    let fedSamples = 0;
    let frame = 0;
    let lastDisplayMs = 0;
    const tick = (nowMs: number) => {
      const upTo = Math.min(result.channels[0].length, Math.round(session.playback.currentTimeSec * result.sampleRate));
      if (upTo < fedSamples) {
        meter.reset();
        fedSamples = 0;
      }
      if (upTo > fedSamples) {
        meter.addFrames(result.channels.map((channel) => channel.subarray(fedSamples, upTo)));
        fedSamples = upTo;
      }
      if (nowMs - lastDisplayMs >= 1000 / DISPLAY_RATE_HZ) {
        lastDisplayMs = nowMs;
        const set = (key: MeterKey, text: string) => {
          const cell = cells.current[key];
          if (cell && cell.textContent !== text) cell.textContent = text;
        };
        set('M', live(meter.momentaryLufs(), 'LUFS'));
        set('S', live(meter.shortTermLufs(), 'LUFS'));
        set('I', live(meter.integratedLufs(), 'LUFS'));
        set('LRA', live(meter.loudnessRange().lraLu, 'LU'));
        set('TP', live(meter.truePeakDbtp(), 'dBTP'));
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [session, result]);
  if (!result || !take) return null;
  return (
    <section className="panel meters" aria-label="Loudness meters" data-testid="meters">
      <h2 className="panel-title">Meters (EBU R 128)</h2>
      <dl>
        {ROWS.map(({ key, label, takeLabel, unit, take: figure }) => (
          <div key={key} className="meter-row">
            <dt title={label}>{key}</dt>
            <dd data-testid={`meter-${key}`} title={`${label}, ${takeLabel}`}>
              {whole(figure(take), unit)}
            </dd>
            <dd ref={(element) => void (cells.current[key] = element)} data-testid={`meter-${key}-live`} title={`${label} at the playhead`}>
              — {unit}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
