/**
 * Plays the generated track in step with the <video> element. The video is the master clock; the track plays
 * through WebAudio from the video's position and is restarted whenever the two clocks drift apart (the audio
 * hardware clock and the media clock run independently).
 *
 * Output latency is compensated: a sample handed to WebAudio is heard `baseLatency + outputLatency` later (tens of
 * ms, over 150 ms on Bluetooth), so the track is started that far ahead of the picture, and while it sounds the
 * playhead shows the position being heard, not the one being rendered.
 */

import { audioBufferOf } from './track-audio';

/** Drift tolerated before the audio is restarted; below ~1.5 video frames at 30 fps nobody hears it. */
const MAX_DRIFT_SEC = 0.05;

export interface PlaybackEvents {
  /** The video started or stopped on its own (ended, user controls, autoplay policy). */
  playingChanged: (playing: boolean) => void;
  /** Generated audio started or stopped sounding. */
  audioRunningChanged: (running: boolean) => void;
}

export interface PlayableTrack {
  sampleRate: number;
  channels: Float32Array[];
}

/** Seconds between WebAudio rendering a sample and the listener hearing it; 0 where the browser does not say. */
export function outputLatencySec(context: { baseLatency?: number; outputLatency?: number }): number {
  const part = (value: number | undefined) => (value !== undefined && Number.isFinite(value) && value > 0 ? value : 0);
  return part(context.baseLatency) + part(context.outputLatency);
}

/** Track position (s) reaching the listener at AudioContext time `contextTimeSec`. */
export function heardPositionSec(source: { startedAtSec: number; offsetSec: number; rate: number }, contextTimeSec: number, latencySec: number): number {
  return source.offsetSec + (contextTimeSec - latencySec - source.startedAtSec) * source.rate;
}

/** Where to start the track so that what is heard lines up with `videoTimeSec` on screen. */
export function leadOffsetSec(videoTimeSec: number, rate: number, latencySec: number): number {
  return videoTimeSec + latencySec * rate;
}

interface RunningSource {
  node: AudioBufferSourceNode;
  /** AudioContext time at which the node started, s. */
  startedAtSec: number;
  /** Track position the node started from, s. */
  offsetSec: number;
  rate: number;
}

export class PlaybackSync {
  private video: HTMLVideoElement | null = null;
  private readonly videoCleanups: (() => void)[] = [];
  private context: AudioContext | null = null;
  private buffer: AudioBuffer | null = null;
  private source: RunningSource | null = null;
  private frame = 0;

  constructor(private readonly events: PlaybackEvents) {}

  get videoElement(): HTMLVideoElement | null {
    return this.video;
  }

  /** The playhead: the track position being heard while the track sounds, else the video's position. */
  get currentTimeSec(): number {
    const source = this.source;
    if (source && this.context && this.video && !this.video.paused) {
      return Math.max(0, heardPositionSec(source, this.context.currentTime, outputLatencySec(this.context)));
    }
    return this.video?.currentTime ?? 0;
  }

  attachVideo(video: HTMLVideoElement | null): void {
    for (const cleanup of this.videoCleanups.splice(0)) cleanup();
    this.stopSource();
    this.video = video;
    if (!video) return;
    const on = (type: string, listener: () => void) => {
      video.addEventListener(type, listener);
      this.videoCleanups.push(() => video.removeEventListener(type, listener));
    };
    on('play', () => this.events.playingChanged(true));
    on('pause', () => this.events.playingChanged(false));
    for (const type of ['playing', 'pause', 'seeking', 'seeked', 'waiting', 'ratechange']) on(type, () => this.follow());
  }

  /** The generated track to play with the video; null removes it. */
  setTrack(track: PlayableTrack | null): void {
    this.stopSource();
    this.buffer = null;
    if (!track || track.channels.length === 0 || track.channels[0].length === 0) return;
    const context = this.audioContext();
    // A take the store holds in AudioBuffer storage (track-audio.ts) plays as it is: no second copy of its samples.
    const own = audioBufferOf(track.channels);
    const buffer = own ?? context.createBuffer(track.channels.length, track.channels[0].length, track.sampleRate);
    if (!own) track.channels.forEach((channel, index) => buffer.copyToChannel(channel as Float32Array<ArrayBuffer>, index));
    this.buffer = buffer;
    this.follow();
  }

  seek(timeSec: number): void {
    if (!this.video) return;
    const durationSec = Number.isFinite(this.video.duration) ? this.video.duration : timeSec;
    this.video.currentTime = Math.min(Math.max(0, timeSec), durationSec);
  }

  setPlaying(playing: boolean): void {
    const video = this.video;
    if (!video || playing === !video.paused) return;
    if (playing) {
      if (video.ended) video.currentTime = 0;
      // Resuming inside the user's gesture (click, space) satisfies the autoplay policy for the AudioContext.
      void this.context?.resume();
      // play() rejects when a new load interrupts it; the state then falls back to paused.
      video.play().catch(() => this.events.playingChanged(false));
    } else {
      video.pause();
    }
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.attachVideo(null);
    this.buffer = null;
    void this.context?.close();
    this.context = null;
  }

  private audioContext(): AudioContext {
    this.context ??= new AudioContext({ latencyHint: 'interactive' });
    return this.context;
  }

  /** Brings the audio to the video's state now, then keeps checking every frame while the video plays. */
  private follow(): void {
    cancelAnimationFrame(this.frame);
    const video = this.video;
    const moving = video !== null && !video.paused && !video.seeking && video.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA;
    if (!video || !moving || !this.buffer) {
      this.stopSource();
      return;
    }
    if (this.context?.state !== 'running') {
      // A suspended context's clock stands still; measuring drift against it would restart the audio every frame.
      this.stopSource();
      this.frame = requestAnimationFrame(() => this.follow());
      return;
    }
    const source = this.source;
    const latencySec = outputLatencySec(this.context);
    const heardSec = source ? heardPositionSec(source, this.context.currentTime, latencySec) : 0;
    if (!source || source.rate !== video.playbackRate || Math.abs(heardSec - video.currentTime) > MAX_DRIFT_SEC) {
      this.startSource(leadOffsetSec(video.currentTime, video.playbackRate, latencySec), video.playbackRate);
    }
    this.frame = requestAnimationFrame(() => this.follow());
  }

  private startSource(offsetSec: number, rate: number): void {
    this.stopSource();
    const context = this.audioContext();
    if (!this.buffer || offsetSec >= this.buffer.duration) return;
    const node = context.createBufferSource();
    node.buffer = this.buffer;
    node.playbackRate.value = rate;
    node.connect(context.destination);
    node.start(0, offsetSec);
    this.source = { node, startedAtSec: context.currentTime, offsetSec, rate };
    this.events.audioRunningChanged(true);
  }

  private stopSource(): void {
    if (!this.source) return;
    this.source.node.stop();
    this.source.node.disconnect();
    this.source = null;
    this.events.audioRunningChanged(false);
  }
}
