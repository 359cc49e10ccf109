import { describe, expect, it } from 'vitest';
import { av1ConfigRecord } from './codec-description';

describe('av1ConfigRecord', () => {
  it('packs the AV1CodecConfigurationRecord fields (AV1-ISOBMFF §2.3.3)', () => {
    const out = av1ConfigRecord({
      seq_profile: 0, seq_level_idx_0: 8, seq_tier_0: 0, high_bitdepth: 0, twelve_bit: 0, monochrome: 0,
      chroma_subsampling_x: 1, chroma_subsampling_y: 1, chroma_sample_position: 0,
      initial_presentation_delay_present: 0, initial_presentation_delay_minus_one: 0, configOBUs: Uint8Array.from([0x0a, 0x0b]),
    });
    expect(Array.from(out)).toEqual([0x81, 0x08, 0x0c, 0x00, 0x0a, 0x0b]);
  });

  it('sets profile, tier, bit depth and presentation delay bits', () => {
    const out = av1ConfigRecord({
      seq_profile: 2, seq_level_idx_0: 31, seq_tier_0: 1, high_bitdepth: 1, twelve_bit: 1, monochrome: 1,
      chroma_subsampling_x: 0, chroma_subsampling_y: 0, chroma_sample_position: 3,
      initial_presentation_delay_present: 1, initial_presentation_delay_minus_one: 5, configOBUs: new Uint8Array(0),
    });
    expect(Array.from(out)).toEqual([0x81, (2 << 5) | 31, 0x80 | 0x40 | 0x20 | 0x10 | 0x03, 0x15]);
  });
});
