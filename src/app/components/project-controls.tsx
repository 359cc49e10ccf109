import { useProject } from '../project/use-project';
import { useAppState } from '../use-session';

function savedAt(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** "New project", the recent projects, and a standing flag while saving fails (undo/redo: the curve panel, Ctrl+Z). */
export function ProjectControls() {
  const keeper = useProject();
  const project = useAppState((state) => state.project);
  const busy = useAppState((state) => state.job !== null);
  const others = project.recent.filter((summary) => summary.id !== project.id);
  return (
    <div className="engine-info" data-testid="project-controls">
      {keeper && (
        <>
          <button type="button" data-testid="new-project" disabled={busy} onClick={() => void keeper.newProject()}>
            New project
          </button>
          <select
            className="backend-select"
            data-testid="recent-projects"
            aria-label="Recent projects"
            value=""
            disabled={busy || others.length === 0}
            onChange={(event) => void keeper.openRecent(event.currentTarget.value)}
          >
            <option value="">Recent projects…</option>
            {others.map((summary) => (
              <option key={summary.id} value={summary.id}>
                {summary.name} · {savedAt(summary.savedAtMs)}
              </option>
            ))}
          </select>
        </>
      )}
      {project.saveProblem && (
        <span className="badge badge-error" data-testid="save-problem" title={project.saveProblem}>
          Not saved
        </span>
      )}
    </div>
  );
}
