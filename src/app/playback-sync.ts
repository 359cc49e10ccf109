/**
 * Keeps the generated-audio element locked to the <video> element: the video is the master clock, the audio follows
 * its play/pause/seek/rate and is nudged back whenever the two drift apart (media elements run on separate clocks).
 */

/** Drift tolerated before the audio is re-seeked; below ~1.5 video frames at 30 fps nobody hears it. */
const MAX_DRIFT_SEC = 0.05;

export interface PlaybackEvents {
  /** The video started or stopped on its own (ended, user controls, autoplay policy). */
  playingChanged: (playing: boolean) => void;
}

export class PlaybackSync {
  private video: HTMLVideoElement | null = null;
  private audio: HTMLAudioElement | null = null;
  private readonly videoCleanups: (() => void)[] = [];
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
    this.video = video;
    if (!video) return;
    const on = (type: string, listener: () => void) => {
      video.addEventListener(type, listener);
      this.videoCleanups.push(() => video.removeEventListener(type, listener));
    };
    on('play', () => {
      this.events.playingChanged(true);
      this.follow();
    });
    on('pause', () => {
      this.events.playingChanged(false);
      this.follow();
    });
    on('seeking', () => this.follow());
    on('ratechange', () => this.follow());
    this.follow();
  }

  /** The element playing the generated track; null when there is none. */
  attachAudio(audio: HTMLAudioElement | null): void {
    this.audio?.pause();
    this.audio = audio;
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
      // play() rejects when autoplay policy or a new load interrupts it; the pause event then reports the real state.
      video.play().catch(() => this.events.playingChanged(false));
    } else {
      video.pause();
    }
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.attachVideo(null);
    this.attachAudio(null);
  }

  /** Brings the audio to the video's state now, and keeps checking every frame while playing. */
  private follow(): void {
    cancelAnimationFrame(this.frame);
    const { video, audio } = this;
    if (!video || !audio) return;
    audio.playbackRate = video.playbackRate;
    if (Math.abs(audio.currentTime - video.currentTime) > MAX_DRIFT_SEC) audio.currentTime = video.currentTime;
    if (video.paused || video.seeking) {
      if (!audio.paused) audio.pause();
      if (video.seeking) video.addEventListener('seeked', () => this.follow(), { once: true });
      return;
    }
    if (audio.paused && video.currentTime < audio.duration) audio.play().catch(() => undefined);
    this.frame = requestAnimationFrame(() => this.follow());
  }
}
