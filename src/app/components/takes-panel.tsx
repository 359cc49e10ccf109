import type { TakeEntry } from '../store/state';
import { RegionTakeLabel } from './region-take-label';
import { auditionTake, chooseTake, deleteTake, toggleAB } from '../store/take-actions';
import { useAppState, useSession } from '../use-session';

const percent = (value: number | null): string => (value === null ? '–' : `${Math.round(value * 100)}`);

/** The score parts shown on a take row, with what each one measures (src/metrics/take-score.ts). */
function scoreTitle(take: TakeEntry): string {
  if (!take.scores) return take.region ? 'A region regenerate is not scored' : 'A single generation is not scored';
  const { avSync, loudness, prompt, loudnessErrorLu, melFD } = take.scores;
  return [
    `AV sync ${percent(avSync)} (audio onsets on the video's motion peaks)`,
    `loudness ${percent(loudness)}${loudnessErrorLu === null ? ' (no target curve)' : ` (${loudnessErrorLu.toFixed(1)} LU from the curve)`}`,
    `reference ${percent(prompt)}${melFD === null ? ' (no reference sound)' : ` (mel-FD ${melFD.toFixed(0)})`}`,
  ].join(' · ');
}

/**
 * The takes of the last search, best first, with their scores. Solo plays a take with the video from the playhead
 * instead of the chosen one; A/B then switches between the two; Use makes a take the one export and meters use.
 */
export function TakesPanel() {
  const session = useSession();
  const dispatch = session.manager.dispatch.bind(session.manager);
  const takes = useAppState((state) => state.takes);
  const busy = useAppState((state) => state.job !== null);
  if (takes.items.length === 0) return null;
  const sounding = takes.listening === 'b' ? takes.compareId : takes.chosenId;
  return (
    <section className="panel takes-panel" aria-label="Takes" data-testid="takes">
      <div className="takes-head">
        <h2>Takes</h2>
        {takes.compareId !== null && (
          <button type="button" data-testid="take-ab" aria-pressed={takes.listening === 'b'} title="Switch between the chosen take (A) and the one you are comparing (B)" onClick={() => dispatch(toggleAB, undefined)}>
            A/B: {takes.listening === 'a' ? 'A' : 'B'}
          </button>
        )}
      </div>
      <ol className="take-list">
        {takes.items.map((take) => {
          const chosen = take.id === takes.chosenId;
          return (
            <li key={take.id} className={`take${chosen ? ' take-chosen' : ''}`} data-testid="take" data-take-id={take.id} data-seed={take.seed} data-total={take.total} data-chosen={chosen} data-sounding={take.id === sounding}>
              <span className="take-name">
                {chosen ? 'A' : take.id === takes.compareId ? 'B' : ''} Take {take.rank}
                {take.region && <RegionTakeLabel region={take.region} />}
              </span>
              <span className="take-score" data-testid="take-score" title={scoreTitle(take)}>
                {percent(take.total)}
              </span>
              <button type="button" className="ghost" data-testid="take-solo" aria-pressed={take.id === sounding} onClick={() => dispatch(auditionTake, take.id)}>
                Solo
              </button>
              <button type="button" className="ghost" data-testid="take-choose" disabled={chosen} onClick={() => dispatch(chooseTake, take.id)}>
                {chosen ? 'In use' : 'Use'}
              </button>
              <button type="button" className="ghost" data-testid="take-delete" disabled={busy} aria-label={`Delete take ${take.rank}`} onClick={() => dispatch(deleteTake, take.id)}>
                ✕
              </button>
            </li>
          );
        })}
      </ol>
      <p className="hint">Score: AV sync, loudness and reference match (hover a score for its parts).</p>
    </section>
  );
}
