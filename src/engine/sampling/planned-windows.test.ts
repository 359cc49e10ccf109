import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../pack/manifest';
import { plannedWindowCount } from './planned-windows';

const manifest = parseManifest(JSON.parse(readFileSync('public/models/foley-tiny/manifest.json', 'utf8')));

describe('plannedWindowCount', () => {
  it('a region of a long clip plans only the windows around it, not the whole clip', () => {
    const durationSec = 600;
    const whole = plannedWindowCount(manifest, durationSec, {});
    expect(whole).toBeGreaterThan(50);
    const take = { sampleRate: manifest.sampleRate, channels: [] };
    expect(plannedWindowCount(manifest, durationSec, { region: { startSec: 300, endSec: 302, take } })).toBe(1);
  });

  it('plans a whole clip with the overlap generate() uses: longer with window continuity', () => {
    // 600 s in 5 s windows: 4 s apart with the pack's 1 s overlap, 3 s apart with continuity's 2 s.
    expect(plannedWindowCount(manifest, 600, { windowContinuity: false })).toBe(150);
    expect(plannedWindowCount(manifest, 600, {})).toBe(200);
  });
});
