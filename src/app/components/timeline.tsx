import { useEffect, useRef, type MouseEvent, type ReactNode } from 'react';
import { fitZoom } from '../store/actions';
import { useAppState, useSession } from '../use-session';
import { LoudnessLanes } from './loudness-lanes';
import { RegionBar } from './region-bar';
import { SpectrogramLane } from './spectrogram-lane';
import { ThumbnailStrip } from './thumbnail-strip';
import { TimeRuler } from './time-ruler';

/** Shared horizontal scale of every lane: the video's duration at the current zoom. */
export function Timeline({ audioLane }: { audioLane: ReactNode }) {
  const session = useSession();
  const video = useAppState((state) => state.video);
  const pxPerSec = useAppState((state) => state.view.pxPerSec);
  const playhead = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const objectUrl = video?.objectUrl;
  const durationSec = video?.info.durationSec ?? 0;
  useEffect(() => {
    const widthPx = scroller.current?.clientWidth ?? 0;
    if (objectUrl) session.manager.dispatch(fitZoom, { durationSec, widthPx });
  }, [session, objectUrl, durationSec]);
  useEffect(() => {
    let frame = 0;
    const tick = () => {
      if (playhead.current) playhead.current.style.transform = `translateX(${session.playback.currentTimeSec * pxPerSec}px)`;
      frame = requestAnimationFrame(tick);
    };
    tick();
    return () => cancelAnimationFrame(frame);
  }, [session, pxPerSec]);
  if (!video) return null;
  const widthPx = Math.ceil(video.info.durationSec * pxPerSec);
  const seekTo = (event: MouseEvent<HTMLDivElement>) => {
    const box = content.current?.getBoundingClientRect();
    if (box) session.playback.seek((event.clientX - box.left) / pxPerSec);
  };
  return (
    <section className="timeline" aria-label="Timeline" data-testid="timeline">
      <RegionBar />
      <div className="timeline-scroll" ref={scroller}>
        <div className="timeline-content" ref={content} style={{ width: `${widthPx}px` }}>
          <div className="lane lane-ruler" onClick={seekTo}>
            <TimeRuler durationSec={video.info.durationSec} pxPerSec={pxPerSec} />
          </div>
          <div className="lane lane-video" onClick={seekTo} aria-label="Video thumbnails">
            <ThumbnailStrip thumbnails={video.info.thumbnails} durationSec={video.info.durationSec} pxPerSec={pxPerSec} />
          </div>
          {audioLane}
          <SpectrogramLane />
          <LoudnessLanes widthPx={widthPx} />
          <div className="playhead" ref={playhead} data-testid="playhead" aria-hidden="true" />
        </div>
      </div>
    </section>
  );
}
