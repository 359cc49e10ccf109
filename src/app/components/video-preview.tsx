import { useCallback } from 'react';
import { togglePlay } from '../store/actions';
import { useAppState, useSession } from '../use-session';

/** The user's own file, played from an object URL; its clock drives everything else on screen. */
export function VideoPreview() {
  const session = useSession();
  const video = useAppState((state) => state.video);
  const attach = useCallback(
    (element: HTMLVideoElement | null) => {
      session.playback.attachVideo(element);
      return () => session.playback.attachVideo(null);
    },
    [session],
  );
  if (!video) return null;
  return (
    <figure className="video-preview">
      <video
        key={video.objectUrl}
        ref={attach}
        src={video.objectUrl}
        // The original soundtrack (if any) is muted: the generated track replaces it.
        muted
        playsInline
        preload="auto"
        data-testid="video"
        aria-label={`Preview of ${video.fileName}`}
        onClick={() => session.manager.dispatch(togglePlay, undefined)}
      />
      <figcaption className="video-meta" data-testid="video-meta">
        {video.fileName} · {video.info.width}×{video.info.height} · {video.info.codec} · {video.info.durationSec.toFixed(2)} s
      </figcaption>
    </figure>
  );
}
