import { useProject } from '../project/use-project';
import type { AwaitedVideo } from '../store/state';
import { useAppState } from '../use-session';
import { ACCEPTED_VIDEO_TYPES } from './drop-zone';
import { FilePickerButton } from './file-picker-button';

type Problem = NonNullable<AwaitedVideo['problem']>;

/** What happened to the file, in the user's terms, and so where to look. */
const PROBLEM_TEXT: Record<Problem, (fileName: string) => string> = {
  gone: (name) => `${name} could not be found (moved, deleted or cleared from browser storage).`,
  permission: (name) => `The browser needs your permission to read ${name} again (it asks after a restart, or access was withdrawn).`,
  unreadable: (name) => `${name} is there but the system refused to read it (its permissions changed, or another program has it locked).`,
  changed: (name) => `${name} has changed since the project was saved (its size is different), so it may not be the video the takes were made for.`,
  'not-video': (name) => `${name} no longer opens as a video: it was replaced by another kind of file or damaged.`,
  'copy-damaged': (name) => `The copy of ${name} kept in browser storage is damaged.`,
};

/** A restored project whose video is being read again, or cannot be: everything else is back; ask for the file. */
export function AwaitedVideoNotice() {
  const keeper = useProject();
  const awaited = useAppState((state) => state.project.awaitingVideo);
  if (!awaited || !keeper) return null;
  if (awaited.problem === null) {
    return (
      <div className="notice notice-info" role="status" data-testid="restoring-video">
        Restoring {awaited.fileName}…
      </div>
    );
  }
  const why = PROBLEM_TEXT[awaited.problem](awaited.fileName);
  return (
    <div className="notice notice-error" role="alert" data-testid="video-missing" data-problem={awaited.problem}>
      <span>{why} The prompt, curve, reference, takes and selection are kept; choose the video again to continue.</span>
      <span className="engine-info">
        {awaited.problem === 'permission' && (
          <button type="button" data-testid="allow-video" onClick={() => void keeper.allowVideoAccess()}>
            Allow access
          </button>
        )}
        <FilePickerButton accept={ACCEPTED_VIDEO_TYPES} testId="relink-video-input" ariaLabel="Choose the project's video" onFiles={([file]) => file && keeper.relinkVideo(file)}>
          Choose the video…
        </FilePickerButton>
      </span>
    </div>
  );
}
