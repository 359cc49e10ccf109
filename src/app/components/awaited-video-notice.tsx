import { useProject } from '../project/use-project';
import { useAppState } from '../use-session';
import { ACCEPTED_VIDEO_TYPES } from './drop-zone';
import { FilePickerButton } from './file-picker-button';

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
  const why =
    awaited.problem === 'permission'
      ? `The browser needs your permission to read ${awaited.fileName} again.`
      : `${awaited.fileName} could not be found (moved, deleted or cleared from browser storage).`;
  return (
    <div className="notice notice-error" role="alert" data-testid="video-missing" data-problem={awaited.problem}>
      <span>{why} The prompt, curve, reference and generated sound are restored; open the video to continue.</span>
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
