import { describe, expect, it } from 'vitest';
import { generateOptionsFor } from './generate-options';
import { initialState, type ReferenceSound } from './store/state';

const reference: ReferenceSound = { fileName: 'rain.wav', sampleRate: 44100, channels: [new Float32Array([0.1, -0.2]), new Float32Array([0.3, 0.4])] };

describe('generateOptionsFor', () => {
  it('sends only the seed for an untouched project without a reference', () => {
    expect(generateOptionsFor(initialState.doc, null)).toEqual({ seed: 1 });
  });

  it('sends the chosen level, and null for the model\'s own; an old project without one leaves the engine\'s default', () => {
    expect(generateOptionsFor({ ...initialState.doc, level: -16 }, null)).toEqual({ seed: 1, programLufs: -16 });
    expect(generateOptionsFor({ ...initialState.doc, level: null }, null)).toEqual({ seed: 1, programLufs: null });
    expect(generateOptionsFor({ ...initialState.doc, level: undefined }, null)).toEqual({ seed: 1 });
  });

  it('passes the reference as the audio prompt with the anchoring setting', () => {
    const options = generateOptionsFor({ ...initialState.doc, prompt: 'rain', promptAnchoring: false }, reference);
    expect(options).toEqual({ seed: 1, prompt: 'rain', audioPrompt: { sampleRate: 44100, channels: reference.channels }, promptAnchoring: false });
  });

  it('leaves out a blank prompt and a disabled curve, and sends an enabled one', () => {
    const curve = { lufs: [[-20, -30]], enabled: false, linked: true };
    expect(generateOptionsFor({ ...initialState.doc, prompt: '  ', steps: 4, curve }, null)).toEqual({ seed: 1, steps: 4 });
    expect(generateOptionsFor({ ...initialState.doc, curve: { ...curve, enabled: true } }, null).targetCurveLufs).toEqual([[-20, -30]]);
  });
});
