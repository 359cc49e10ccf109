import { describe, expect, it } from 'vitest';
import { heardPositionSec, leadOffsetSec, outputLatencySec } from './playback-sync';

describe('output latency compensation', () => {
  it('adds base and output latency, ignoring what the browser does not report', () => {
    expect(outputLatencySec({ baseLatency: 0.01, outputLatency: 0.04 })).toBeCloseTo(0.05, 12);
    expect(outputLatencySec({ baseLatency: 0.01 })).toBeCloseTo(0.01, 12);
    expect(outputLatencySec({ baseLatency: Number.NaN, outputLatency: -1 })).toBe(0);
  });

  it('starts the track ahead by the latency, so the sound heard matches the picture and the playhead', () => {
    const latencySec = 0.15;
    for (const rate of [1, 2]) {
      const offsetSec = leadOffsetSec(3, rate, latencySec);
      expect(offsetSec).toBeCloseTo(3 + 0.15 * rate, 12);
      const source = { startedAtSec: 10, offsetSec, rate };
      // At the start the listener hears the video's position; a second later, the video has moved `rate` seconds.
      expect(heardPositionSec(source, 10, latencySec)).toBeCloseTo(3, 12);
      expect(heardPositionSec(source, 11, latencySec)).toBeCloseTo(3 + rate, 12);
    }
  });
});
