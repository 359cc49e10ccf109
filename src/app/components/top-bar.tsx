import { describeProgress } from '../progress-text';
import { useAppState } from '../use-session';

const BACKEND_LABELS = { webgpu: 'WebGPU', wasm: 'WASM', cpu: 'CPU' } as const;

/** Title, the backend the engine runs on, and the pack in use (flagged when it has random weights). */
export function TopBar() {
  const engine = useAppState((state) => state.engine);
  return (
    <header className="top-bar">
      <h1 className="brand">
        <img src="./icon.svg" alt="" width={28} height={28} />
        Foley Studio
      </h1>
      <div className="engine-info" aria-live="polite">
        {engine.status === 'starting' && (
          <span className="badge badge-muted" data-testid="engine-starting">
            {engine.loading ? describeProgress(engine.loading).label : 'Starting engine…'}
          </span>
        )}
        {engine.status === 'failed' && <span className="badge badge-error">Engine unavailable</span>}
        {engine.backend && (
          <span className="badge" data-testid="backend-badge" title="Where the model runs">
            {BACKEND_LABELS[engine.backend]}
          </span>
        )}
        {engine.pack && (
          <span className="pack-name" data-testid="pack-name">
            {engine.pack.id} {engine.pack.version}
          </span>
        )}
        {engine.pack?.purpose === 'test' && (
          <span className="badge badge-warning" data-testid="test-pack-label" title="This pack only exercises the pipeline; its output is noise">
            test pack — random weights
          </span>
        )}
      </div>
    </header>
  );
}
