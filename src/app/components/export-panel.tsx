import { setExportFormat } from '../store/actions';
import type { WavFormat } from '../store/state';
import { useAppState, useSession } from '../use-session';

const FORMATS: { value: WavFormat; label: string }[] = [
  { value: 'pcm16', label: '16-bit PCM' },
  { value: 'pcm24', label: '24-bit PCM' },
  { value: 'float32', label: '32-bit float' },
];

function isWavFormat(value: string): value is WavFormat {
  return FORMATS.some((format) => format.value === value);
}

/** WAV download of the generated track. */
export function ExportPanel() {
  const session = useSession();
  const format = useAppState((state) => state.view.exportFormat);
  const hasResult = useAppState((state) => state.result !== null);
  return (
    <section className="panel" aria-label="Export">
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
        <button type="button" data-testid="download-wav" disabled={!hasResult} onClick={() => session.downloadWav()}>
          Download WAV
        </button>
      </div>
    </section>
  );
}
