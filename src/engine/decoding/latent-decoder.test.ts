import { afterAll, describe, expect, it } from 'vitest';
import { latentToAudio } from '../../dsp/log-mel';
import { Prng } from '../../dsp/prng';
import { inlineDecoder, runDecodeJob, splitChannels, type DecodeJob } from './latent-decoder';
import { nodeDecoderPool } from './latent-decoder-node';

const PARAMS = { sampleRate: 16000, nFft: 512, hop: 128, nMels: 16, fminHz: 0, fmaxHz: 8000, logFloor: 1e-5, mean: -6, std: 4 };
const FRAMES = 40;
const LENGTH = (FRAMES - 1) * PARAMS.hop;
const stereo = new Prng(9).fillGaussian(new Float32Array(FRAMES * 2 * PARAMS.nMels));

function jobs(): DecodeJob[] {
  return splitChannels(stereo, FRAMES, 2, PARAMS.nMels).map((latent) => ({ latent, frames: FRAMES, params: PARAMS, iterations: 4, momentum: 0, lengthSamples: LENGTH, seed: 7 }));
}

const pool = nodeDecoderPool(2);
afterAll(() => pool.dispose());

describe('audio decoders', () => {
  it('per-channel jobs reproduce the multi-channel decoder exactly', () => {
    const whole = latentToAudio(stereo, FRAMES, 2, PARAMS, 4, LENGTH, 7);
    jobs().forEach((job, c) => expect(Array.from(runDecodeJob(job))).toEqual(Array.from(whole[c]!)));
  });

  it('the worker-thread pool returns the same audio as the inline decoder', async () => {
    const inline = await Promise.all(jobs().map((job) => inlineDecoder().decode(job)));
    const threaded = await Promise.all(jobs().map((job) => pool.decode(job)));
    expect(threaded.map((a) => Array.from(a))).toEqual(inline.map((a) => Array.from(a)));
  }, 60_000);

  it('reports a failing job as an error', async () => {
    const [job] = jobs();
    await expect(pool.decode({ ...job!, frames: 3 })).rejects.toThrow(/audio decoding failed: .*latent has/);
  }, 60_000);
});
