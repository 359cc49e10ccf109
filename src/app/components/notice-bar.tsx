import { dismissNotice } from '../store/actions';
import { useAppState, useSession } from '../use-session';
import { AwaitedVideoNotice } from './awaited-video-notice';

/** The one place errors and notices appear; the app stays usable underneath. */
export function NoticeBar() {
  return (
    <>
      <AwaitedVideoNotice />
      <CurrentNotice />
    </>
  );
}

function CurrentNotice() {
  const session = useSession();
  const notice = useAppState((state) => state.notice);
  const opening = useAppState((state) => state.opening);
  if (opening) {
    return (
      <div className="notice notice-info" role="status" data-testid="opening">
        Opening {opening.fileName}…
      </div>
    );
  }
  if (!notice) return null;
  return (
    <div className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice" data-kind={notice.kind}>
      <span>{notice.message}</span>
      <button type="button" className="ghost" aria-label="Dismiss message" onClick={() => session.manager.dispatch(dismissNotice, undefined)}>
        ×
      </button>
    </div>
  );
}
