import { useProject } from '../project/use-project';
import { useAppState, useSession } from '../use-session';

function savedAt(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** Undo/redo, "New project", the recent projects, and a standing flag while saving fails. */
export function ProjectControls() {
  const session = useSession();
  const keeper = useProject();
  const manager = session.manager;
  // The history lives in the manager, and every change to it comes with a store update, so selectors see it.
  const canUndo = useAppState(() => manager.canUndo);
  const canRedo = useAppState(() => manager.canRedo);
  const project = useAppState((state) => state.project);
  const busy = useAppState((state) => state.job !== null);
  const others = project.recent.filter((summary) => summary.id !== project.id);
  return (
    <div className="engine-info" data-testid="project-controls">
      <button type="button" className="ghost" data-testid="undo" title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={() => manager.undo()}>
        Undo
      </button>
      <button type="button" className="ghost" data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled={!canRedo} onClick={() => manager.redo()}>
        Redo
      </button>
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
