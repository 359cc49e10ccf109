import { useState } from 'react';
import { setExportFormat, setExportLoudness } from '../store/actions';
import { lufsProblem } from '../store/curve';
import type { WavFormat } from '../store/state';
import { useAppState, useSession } from '../use-session';

const FORMATS: { value: WavFormat; label: string }[] = [
  { value: 'pcm16', label: '16-bit PCM' },
  { value: 'pcm24', label: '24-bit PCM' },
  { value: 'float32', label: '32-bit float' },
];

/** Integrated-loudness presets: EBU R 128 broadcast, podcasts, streaming platforms. */
const LOUDNESS_PRESETS: { value: string; label: string }[] = [
  { value: 'off', label: 'As generated' },
  { value: '-23', label: '−23 LUFS (EBU R 128)' },
  { value: '-16', label: '−16 LUFS (podcast)' },
  { value: '-14', label: '−14 LUFS (streaming)' },
  { value: 'custom', label: 'Custom…' },
];

function isWavFormat(value: string): value is WavFormat {
  return FORMATS.some((format) => format.value === value);
}

/** WAV download of the generated track, optionally loudness-normalised. */
export function ExportPanel() {
  const session = useSession();
  const format = useAppState((state) => state.view.exportFormat);
  const hasResult = useAppState((state) => state.result !== null);
  const loudness = useAppState((state) => state.view.exportLoudnessLufs);
  const [loudnessProblem, setLoudnessProblem] = useState<string | null>(null);
  return (
    <section className="panel" aria-label="Export">
      <h2 className="panel-title">Export</h2>
      <LoudnessTargetField onProblem={setLoudnessProblem} />
      <div className="field-row">
        <label className="field">
          <span>WAV format</span>
          <select
            data-testid="export-format"
            value={format}
            onChange={(event) => {
              const value = event.currentTarget.value;
              if (isWavFormat(value)) session.manager.dispatch(setExportFormat, value);
            }}
          >
            {FORMATS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          data-testid="download-wav"
          disabled={!hasResult || loudnessProblem !== null}
          title={loudness === null ? undefined : `Normalised to ${loudness} LUFS, true peak ≤ −1 dBTP`}
          onClick={() => session.downloadWav()}
        >
          Download WAV
        </button>
      </div>
    </section>
  );
}

/** Preset or custom integrated-loudness target; a custom value outside −70..0 LUFS is refused with a message. */
function LoudnessTargetField({ onProblem }: { onProblem: (problem: string | null) => void }) {
  const session = useSession();
  const [preset, setPreset] = useState('off');
  const [customText, setCustomText] = useState('-18');
  const apply = (choice: string, text: string) => {
    setPreset(choice);
    setCustomText(text);
    if (choice === 'off') {
      onProblem(null);
      return session.manager.dispatch(setExportLoudness, null);
    }
    const lufs = Number.parseFloat(choice === 'custom' ? text : choice);
    const problem = lufsProblem(lufs);
    onProblem(problem);
    if (problem === null) session.manager.dispatch(setExportLoudness, lufs);
  };
  const problem = preset === 'custom' ? lufsProblem(Number.parseFloat(customText)) : null;
  return (
    <>
      <div className="field-row">
        <label className="field">
          <span>Loudness</span>
          <select data-testid="export-loudness" value={preset} onChange={(event) => apply(event.currentTarget.value, customText)}>
            {LOUDNESS_PRESETS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        {preset === 'custom' && (
          <label className="field">
            <span>LUFS</span>
            <input data-testid="export-loudness-custom" type="number" step={0.5} value={customText} onChange={(event) => apply('custom', event.currentTarget.value)} />
          </label>
        )}
      </div>
      {problem && <p className="hint hint-error">{problem}</p>}
    </>
  );
}
