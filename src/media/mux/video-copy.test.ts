import { describe, expect, it } from 'vitest';
import { videoCopyProblem } from './video-copy';

describe('videoCopyProblem', () => {
  it('copies H.264, HEVC, VP9 and AV1', () => {
    for (const codec of ['avc', 'hevc', 'vp9', 'av1'] as const) expect(videoCopyProblem(codec)).toBeNull();
  });

  it('refuses VP8 naming it and saying what to do instead', () => {
    expect(videoCopyProblem('vp8')).toBe(
      'This video is VP8, which cannot be copied into an MP4 as it is (Chromium does not play VP8 in MP4); convert the video to VP9 or H.264 first, or export the sound as WAV.',
    );
  });

  it('refuses an unknown codec in words', () => {
    expect(videoCopyProblem(null)).toMatch(/^This video is a codec that could not be identified, which cannot be copied/);
    expect(videoCopyProblem('prores')).toMatch(/^This video is ProRes/);
  });
});
