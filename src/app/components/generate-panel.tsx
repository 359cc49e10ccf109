import { FilePickerButton } from './file-picker-button';
import { describeEta, describeProgress } from '../progress-text';
import { ACCEPTED_AUDIO_TYPES, referenceDuration } from '../reference-audio';
import { setLevel, setPrompt, setSeed, setSteps } from '../store/actions';
import { MAX_TAKE_COUNT, setTakeCount } from '../store/take-actions';
import { removeReference, setPromptAnchoring } from '../store/reference-actions';
import { useAppState, useSession } from '../use-session';

/** Stable empty list: a selector returning a fresh [] each call would re-render forever. */
const NO_WORDS: readonly string[] = [];

function parseOptionalInt(text: string): number | null {
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) ? value : null;
}

/** Generation settings, the Generate/Cancel button and progress. */
export function GeneratePanel() {
  const session = useSession();
  const dispatch = session.manager.dispatch.bind(session.manager);
  const doc = useAppState((state) => state.doc);
  const engine = useAppState((state) => state.engine);
  const hasVideo = useAppState((state) => state.video !== null);
  const job = useAppState((state) => state.job);
  const unknownWords = useAppState((state) => state.result?.unknownWords ?? NO_WORDS);
  const readingReference = useAppState((state) => state.readingReference !== null);
  const takeCount = useAppState((state) => state.takes.count);
  const maxSteps = engine.pack?.maxSteps;
  // The engine would refuse it too; saying so here keeps the user from a failed job.
  const tooManySteps = maxSteps !== undefined && doc.steps !== null && doc.steps > maxSteps;
  const canGenerate = engine.status === 'ready' && hasVideo && job === null && !readingReference && !tooManySteps;
  return (
    <section className="panel generate-panel" aria-label="Generate">
      <label className="field">
        <span>Prompt</span>
        <textarea
          data-testid="prompt"
          rows={2}
          placeholder="footsteps on gravel, door slam…"
          value={doc.prompt}
          onChange={(event) => dispatch(setPrompt, event.currentTarget.value)}
          title={engine.pack ? `Words this pack knows: ${engine.pack.vocabulary.slice(2).join(', ')}` : undefined}
        />
      </label>
      {unknownWords.length > 0 && (
        <p className="hint hint-warning" data-testid="unknown-words">
          Not in this pack's vocabulary, ignored: {unknownWords.join(', ')}
        </p>
      )}
      <ReferenceSoundField />
      <div className="field-row">
        <label className="field">
          <span>Seed</span>
          <input data-testid="seed" type="number" min={0} step={1} value={doc.seed} onChange={(event) => dispatch(setSeed, parseOptionalInt(event.currentTarget.value) ?? 0)} />
        </label>
        <button type="button" className="ghost dice" title="Random seed" aria-label="Random seed" onClick={() => dispatch(setSeed, Math.floor(Math.random() * 2 ** 31))}>
          ⚄
        </button>
        <label className="field">
          <span>Steps</span>
          <input
            data-testid="steps"
            type="number"
            min={1}
            max={maxSteps}
            step={1}
            placeholder="pack default"
            value={doc.steps ?? ''}
            onChange={(event) => dispatch(setSteps, parseOptionalInt(event.currentTarget.value))}
          />
        </label>
      </div>
      {tooManySteps && (
        <p className="hint hint-warning" data-testid="steps-too-many">
          This pack samples correctly with at most {maxSteps} steps.
        </p>
      )}
      <LevelField />
      <label className="field takes-field">
        <span>Takes</span>
        <input
          data-testid="take-count"
          type="number"
          min={1}
          max={MAX_TAKE_COUNT}
          step={1}
          value={takeCount}
          title="More than 1: several takes ranked by a search (AV sync, loudness, reference); each take costs about 3 generations"
          onChange={(event) => dispatch(setTakeCount, parseOptionalInt(event.currentTarget.value) ?? 1)}
        />
      </label>
      {job ? <JobProgress /> : (
        <button type="button" className="primary generate" data-testid="generate" disabled={!canGenerate} onClick={() => session.generate()}>
          Generate sound
        </button>
      )}
      {engine.status === 'failed' && (
        <p className="hint hint-error" data-testid="engine-failure">
          {engine.failure}
        </p>
      )}
      {engine.status === 'ready' && !hasVideo && <p className="hint">Open a video to generate its sound.</p>}
    </section>
  );
}

/** How loud the sound is made when nothing drawn or recorded says so (the engine's programme level). */
const LEVEL_CHOICES: { value: string; label: string }[] = [
  // The engine's default (GenerateOptions.programLufs), EBU R 128's programme loudness.
  { value: 'default', label: 'EBU R 128 (broadcast)' },
  { value: '-16', label: '−16 LUFS (podcast)' },
  { value: '-14', label: '−14 LUFS (streaming)' },
  { value: 'model', label: "The model's own" },
];

function levelFor(choice: string): number | null | undefined {
  if (choice === 'model') return null;
  return choice === 'default' ? undefined : Number(choice);
}

function LevelField() {
  const session = useSession();
  const level = useAppState((state) => state.doc.level);
  const curveSetsIt = useAppState((state) => state.doc.curve?.enabled === true);
  const referenceSetsIt = useAppState((state) => state.reference !== null && state.doc.promptAnchoring);
  const value = level === null ? 'model' : level === undefined ? 'default' : String(level);
  const setBy = curveSetsIt ? 'the target curve' : referenceSetsIt ? 'the reference sound' : null;
  return (
    <label className="field">
      <span>Level</span>
      <select
        data-testid="level"
        value={value}
        disabled={setBy !== null}
        title={setBy ? `Set by ${setBy}` : 'Integrated loudness of the generated sound; its rise and fall still follow the picture'}
        onChange={(event) => session.manager.dispatch(setLevel, levelFor(event.currentTarget.value))}
      >
        {LEVEL_CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      {setBy && <span className="hint">Set by {setBy}</span>}
    </label>
  );
}

/** An optional recording the generated sound should resemble (the engine's audio prompt). */
function ReferenceSoundField() {
  const session = useSession();
  const dispatch = session.manager.dispatch.bind(session.manager);
  const reference = useAppState((state) => state.reference);
  const readingReference = useAppState((state) => state.readingReference);
  const promptAnchoring = useAppState((state) => state.doc.promptAnchoring);
  return (
    <div className="field reference-field">
      <span>Reference sound (optional)</span>
      {reference && (
        <div className="reference-row">
          <span className="reference-label" data-testid="audio-prompt-name" title={reference.fileName}>
            <span className="reference-file">{reference.fileName}</span>
            <span> · {referenceDuration(reference)}</span>
          </span>
          <button type="button" className="ghost" data-testid="audio-prompt-remove" onClick={() => dispatch(removeReference, undefined)}>
            Remove
          </button>
        </div>
      )}
      {readingReference !== null && <p className="hint">Reading {readingReference}…</p>}
      <FilePickerButton
        accept={ACCEPTED_AUDIO_TYPES}
        testId="audio-prompt-input"
        ariaLabel="Choose a reference recording"
        onFiles={([file]) => file && session.openReference(file)}
      >
        {reference ? 'Choose another recording…' : 'Choose a recording…'}
      </FilePickerButton>
      {reference && (
        <label className="check">
          <input type="checkbox" data-testid="audio-prompt-anchor" checked={promptAnchoring} onChange={(event) => dispatch(setPromptAnchoring, event.currentTarget.checked)} />
          Match its tone and level
        </label>
      )}
    </div>
  );
}

function JobProgress() {
  const session = useSession();
  const job = useAppState((state) => state.job);
  if (!job) return null;
  const text = job.progress ? describeProgress(job.progress) : { label: 'Starting…', fraction: 0 };
  const eta = describeEta(job.etaSec, job.etaLowerBound);
  return (
    <div className="job" data-testid="job" data-stage={job.progress?.stage ?? 'start'}>
      <div className="progress" role="progressbar" aria-label={text.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(text.fraction * 100)}>
        <div className="progress-fill" style={{ width: `${text.fraction * 100}%` }} />
      </div>
      <p className="job-label" data-testid="progress-label">
        {job.candidate && `Take search ${job.candidate.index + 1}/${job.candidate.count}: `}
        {text.label}
        {eta && <span className="eta"> · {eta}</span>}
      </p>
      <button type="button" data-testid="cancel" disabled={job.cancelling} onClick={() => session.cancel()}>
        {job.cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}
