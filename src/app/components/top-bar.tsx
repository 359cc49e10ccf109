import type { Backend } from '../../engine/host/protocol';
import { describeProgress } from '../progress-text';
import { PackStorageLine } from './pack-storage';
import type { EngineState } from '../store/state';
import { useAppState, useSession } from '../use-session';
import { ProjectControls } from './project-controls';

const BACKEND_LABELS = { webgpu: 'WebGPU', wasm: 'WASM', cpu: 'CPU' } as const;

/** The engine's reason, and where a forced backend came from. */
function backendReason(engine: EngineState): string | null {
  if (!engine.backendReason) return null;
  const request = engine.backendRequest;
  if (request?.from === 'address') return `${engine.backendReason} (?backend=${request.backend} in the address)`;
  return engine.backendReason;
}

/** Automatic, or a forced backend; switching reloads the pack on it. */
function BackendSelect() {
  const session = useSession();
  const engine = useAppState((state) => state.engine);
  const busy = useAppState((state) => state.job !== null);
  return (
    <select
      className="backend-select"
      data-testid="backend-select"
      aria-label="Where the model runs"
      title="Where the model runs: Automatic lets the app pick the faster one"
      value={engine.backendRequest?.backend ?? 'auto'}
      disabled={engine.status === 'starting' || busy}
      onChange={(event) => {
        const value = event.currentTarget.value;
        session.switchBackend(value === 'auto' ? null : (value as Backend));
      }}
    >
      <option value="auto">Automatic</option>
      <option value="webgpu">WebGPU</option>
      <option value="wasm">WASM</option>
    </select>
  );
}

/** Title, the backend the engine runs on, and the pack in use (flagged when it has random weights). */
export function TopBar() {
  const engine = useAppState((state) => state.engine);
  const reason = backendReason(engine);
  return (
    <header className="top-bar">
      <h1 className="brand">
        <img src="./icon.svg" alt="" width={28} height={28} />
        Foley Studio
      </h1>
      <ProjectControls />
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
        {reason && (
          <span className="backend-reason" data-testid="backend-reason">
            {reason}
          </span>
        )}
        <BackendSelect />
        {engine.pack && (
          <span className="pack-name" data-testid="pack-name">
            {engine.pack.id} {engine.pack.version}
          </span>
        )}
        <PackStorageLine />
        {engine.pack?.purpose === 'test' && (
          <span className="badge badge-warning" data-testid="test-pack-label" title="This pack only exercises the pipeline; its output is noise">
            test pack — random weights
          </span>
        )}
      </div>
    </header>
  );
}
