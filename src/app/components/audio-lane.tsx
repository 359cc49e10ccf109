import { useEffect, useRef } from 'react';
import WaveSurfer from 'wavesurfer.js';
import { computePeaks, peakBucketCount } from '../peaks';
import { useAppState, useSession } from '../use-session';
import { RegionSelection } from './region-selection';

const WAVE_COLOR = '#6ee7b7';
const PLAYED_COLOR = '#3c9c7c';
/** Its own stacking context: wavesurfer's layers (z-index up to 5) stay under the selection overlay. */
const WAVEFORM_LAYER = { zIndex: 0 } as const;

/**
 * The generated track's waveform. wavesurfer is driven by the <video> element itself, so its progress is on the video
 * clock; the sound plays through PlaybackSync. Presses go to the selection overlay on top (a click seeks, a drag
 * selects a range to regenerate).
 */
export function AudioLane() {
  const session = useSession();
  const result = useAppState((state) => state.result);
  const audioRunning = useAppState((state) => state.view.audioRunning);
  const videoSec = useAppState((state) => state.video?.info.durationSec ?? 0);
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const video = session.playback.videoElement;
    if (!result || !container.current || !video) return;
    const wavesurfer = WaveSurfer.create({
      container: container.current,
      media: video,
      peaks: computePeaks(result.channels, peakBucketCount(result.durationSec)),
      duration: result.durationSec,
      height: 'auto',
      waveColor: WAVE_COLOR,
      progressColor: PLAYED_COLOR,
      cursorWidth: 0,
      normalize: true,
      interact: true,
      autoScroll: false,
      hideScrollbar: true,
    });
    return () => wavesurfer.destroy();
  }, [session, result]);
  return (
    <div
      className="lane lane-audio"
      aria-label="Generated audio"
      data-testid="audio-lane"
      data-duration-sec={result?.durationSec}
      data-samples={result?.channels[0]?.length}
      data-sample-rate={result?.sampleRate}
      data-audio={audioRunning ? 'running' : 'stopped'}
    >
      <span className="lane-label">Generated audio{result ? ` · seed ${result.seed} · ${result.channels.length === 2 ? 'stereo' : 'mono'} ${result.sampleRate / 1000} kHz` : ''}</span>
      {result ? <div ref={container} className="waveform" data-testid="waveform" style={WAVEFORM_LAYER} /> : <div className="lane-empty">Generate to hear and see the sound here.</div>}
      <RegionSelection durationSec={videoSec} />
    </div>
  );
}
