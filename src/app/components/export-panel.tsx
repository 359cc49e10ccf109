import { useEffect, useMemo, useState } from 'react';
import { MAX_ORIGINAL_GAIN_DB, MIN_ORIGINAL_GAIN_DB, originalGainProblem } from '../../media/mux/mix-original';
import { Mp4Exporter } from '../export-mp4';
import { setExportFormat, setExportLoudness } from '../store/actions';
import { setExportMixOriginal, setExportOriginalGainDb } from '../store/export-actions';
import type { Mp4ExportJob } from '../store/state';
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

/** WAV download of the generated track, optionally loudness-normalised, and the video with it as an MP4. */
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
      <Mp4ExportSection />
    </section>
  );
}

const STAGE_LABELS: Record<Mp4ExportJob['stage'], string> = {
  'original-audio': 'Reading the video\'s own sound',
  'encode-audio': 'Starting the sound encoder',
  // The sound is encoded as the copy reaches each part of it (src/media/mux/mux-mp4.ts).
  'copy-video': 'Copying the video and encoding the sound',
  finish: 'Finishing the file',
};

/** "Export MP4": the video copied unchanged with the chosen take as its sound, optionally over its own audio. */
function Mp4ExportSection() {
  const session = useSession();
  const exporter = useMemo(() => new Mp4Exporter(session.manager), [session]);
  useEffect(() => () => exporter.dispose(), [exporter]);
  const hasResult = useAppState((state) => state.result !== null);
  const videoHasAudio = useAppState((state) => state.video?.info.hasAudio ?? false);
  const mix = useAppState((state) => state.view.exportMixOriginal);
  const gainDb = useAppState((state) => state.view.exportOriginalGainDb);
  const job = useAppState((state) => state.mp4Export);
  const [gainText, setGainText] = useState(String(gainDb));
  const gainProblem = mix ? originalGainProblem(Number.parseFloat(gainText)) : null;
  const dispatch = session.manager.dispatch.bind(session.manager);
  return (
    <div className="mp4-export">
      <div className="field-row">
        <label className="field checkbox" title={videoHasAudio ? undefined : 'This video has no audio track of its own'}>
          <input type="checkbox" data-testid="export-mix-original" checked={mix && videoHasAudio} disabled={!videoHasAudio} onChange={(event) => dispatch(setExportMixOriginal, event.currentTarget.checked)} />
          <span>Mix in the video's own sound</span>
        </label>
        {mix && videoHasAudio && (
          <label className="field">
            <span>Level (dB)</span>
            <input
              data-testid="export-original-db"
              type="number"
              min={MIN_ORIGINAL_GAIN_DB}
              max={MAX_ORIGINAL_GAIN_DB}
              step={1}
              value={gainText}
              onChange={(event) => {
                const text = event.currentTarget.value;
                setGainText(text);
                if (originalGainProblem(Number.parseFloat(text)) === null) dispatch(setExportOriginalGainDb, Number.parseFloat(text));
              }}
            />
          </label>
        )}
      </div>
      {gainProblem && <p className="hint hint-error">{gainProblem}</p>}
      {job ? (
        <div className="job" data-testid="export-job" data-stage={job.stage}>
          <progress data-testid="export-progress" max={1} value={job.fraction} />
          <p className="job-label">
            {STAGE_LABELS[job.stage]} · {Math.round(job.fraction * 100)} %
          </p>
          <button type="button" data-testid="export-cancel" disabled={job.cancelling} onClick={() => exporter.cancel()}>
            Cancel
          </button>
        </div>
      ) : (
        <button
          type="button"
          data-testid="export-mp4"
          disabled={!hasResult || gainProblem !== null}
          title="The video copied unchanged, with the generated sound (AAC where the browser encodes it, otherwise Opus)"
          onClick={() => exporter.start()}
        >
          Export MP4
        </button>
      )}
    </div>
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
