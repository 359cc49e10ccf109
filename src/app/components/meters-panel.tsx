import { useEffect, useRef } from 'react';
import { LoudnessMeter } from '../../dsp/loudness-meter';
import { useAppState, useSession } from '../use-session';

/** Display refresh for the numbers, Hz; the meter itself is fed on every animation frame. */
const DISPLAY_RATE_HZ = 10;

function show(value: number, unit: string): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} ${unit}` : `— ${unit}`;
}

/**
 * EBU R 128 meters of the generated track up to the playhead: momentary, short-term, integrated, loudness range and
 * true peak. The meter is fed the samples the playhead has passed; seeking back starts it over.
 */
export function MetersPanel() {
  const session = useSession();
  const result = useAppState((state) => state.result);
  const cells = useRef<Record<string, HTMLElement | null>>({});
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
        const set = (key: string, text: string) => {
          const cell = cells.current[key];
          if (cell && cell.textContent !== text) cell.textContent = text;
        };
        set('M', show(meter.momentaryLufs(), 'LUFS'));
        set('S', show(meter.shortTermLufs(), 'LUFS'));
        set('I', show(meter.integratedLufs(), 'LUFS'));
        set('LRA', show(meter.loudnessRange().lraLu, 'LU'));
        set('TP', show(meter.truePeakDbtp(), 'dBTP'));
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [session, result]);
  if (!result) return null;
  const rows: [string, string][] = [
    ['M', 'Momentary'],
    ['S', 'Short-term'],
    ['I', 'Integrated'],
    ['LRA', 'Loudness range'],
    ['TP', 'True peak'],
  ];
  return (
    <section className="panel meters" aria-label="Loudness meters" data-testid="meters">
      <h2 className="panel-title">Meters (EBU R 128)</h2>
      <dl>
        {rows.map(([key, label]) => (
          <div key={key} className="meter-row">
            <dt title={label}>{key}</dt>
            <dd ref={(element) => void (cells.current[key] = element)} data-testid={`meter-${key}`}>
              —
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
