/**
 * The channel count an MPEG-4 AudioSpecificConfig signals (ISO/IEC 14496-3 §1.6.2.1): audioObjectType (5 bits,
 * 31 = escape to 6 more), samplingFrequencyIndex (4 bits, 15 = escape to a 24-bit rate), channelConfiguration
 * (4 bits). Parametric stereo (object type 29, or an explicit SBR/PS extension) decodes a mono core to 2 channels.
 */

/** channelConfiguration → channels (Table 1.19); 0 means "in the program config element", 7 is 7.1. */
const CHANNELS_BY_CONFIGURATION = [null, 1, 2, 3, 4, 5, 6, 8] as const;
const PARAMETRIC_STEREO = 29;

class BitReader {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  read(count: number): number | null {
    let value = 0;
    for (let i = 0; i < count; i++, this.position++) {
      const byte = this.bytes[this.position >> 3];
      if (byte === undefined) return null;
      value = value * 2 + ((byte >> (7 - (this.position & 7))) & 1);
    }
    return value;
  }
}

/** Channels of the decoded audio, or null when the config does not say (too short, or layout in a PCE). */
export function channelsFromAudioSpecificConfig(bytes: Uint8Array): number | null {
  const reader = new BitReader(bytes);
  let objectType = reader.read(5);
  if (objectType === 31) objectType = 32 + (reader.read(6) ?? -32);
  const frequencyIndex = reader.read(4);
  if (frequencyIndex === 15) reader.read(24);
  const configuration = reader.read(4);
  if (objectType === null || configuration === null || configuration >= CHANNELS_BY_CONFIGURATION.length) return null;
  const channels = CHANNELS_BY_CONFIGURATION[configuration] ?? null;
  return objectType === PARAMETRIC_STEREO && channels === 1 ? 2 : channels;
}
