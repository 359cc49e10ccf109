/**
 * Plays the generated track in step with the <video> element. The video is the master clock; the track plays
 * through WebAudio from the video's position and is restarted whenever the two clocks drift apart (the audio
 * hardware clock and the media clock run independently).
 */

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

  get currentTimeSec(): number {
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
    const buffer = context.createBuffer(track.channels.length, track.channels[0].length, track.sampleRate);
    track.channels.forEach((channel, index) => buffer.copyToChannel(channel as Float32Array<ArrayBuffer>, index));
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
    if (!source || source.rate !== video.playbackRate || Math.abs(this.sourcePositionSec(source) - video.currentTime) > MAX_DRIFT_SEC) {
      this.startSource(video.currentTime, video.playbackRate);
    }
    this.frame = requestAnimationFrame(() => this.follow());
  }

  private sourcePositionSec(source: RunningSource): number {
    return source.offsetSec + (this.audioContext().currentTime - source.startedAtSec) * source.rate;
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
