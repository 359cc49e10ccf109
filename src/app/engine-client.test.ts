import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineRequest, EngineReply } from '../engine/host/protocol';
import { CancelledError, EngineClient, type WorkerLike } from './engine-client';

/** The engine side of a real MessageChannel; the client holds the other port as its "worker". */
function connect(reply: (request: EngineRequest, post: (response: EngineReply) => void) => void) {
  const { port1, port2 } = new MessageChannel();
  port2.on('message', (request: EngineRequest) => reply(request, (response) => port2.postMessage(response)));
  const client = new EngineClient(port1 as unknown as WorkerLike);
  port1.start();
  ports.push(port1, port2);
  return client;
}

const ports: MessagePort[] = [];

/** A 'generated' reply's result for a 4-sample mono take at 8 kHz. */
const SUMMARY = { sampleRate: 8000, samples: 4, channelCount: 1, predictedCurveLufs: [[-20]], unknownWords: [], timings: { totalMs: 1, sessionRunMs: 1, decoderMs: 1 }, windows: [{ startSec: 0, endSec: 0.0005 }] };
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

describe('EngineClient', () => {
  it('matches replies to requests by id and forwards progress', async () => {
    const progress: number[] = [];
    const client = connect((request, post) => {
      if (request.type !== 'generate') return;
      post({ type: 'progress', id: request.id, progress: { stage: 'encode', done: 1, total: 2 }, etaSec: 3 });
      post({ type: 'audio-chunk', id: request.id, sampleRate: 8000, totalSamples: 4, startSample: 0, channels: [new Float32Array(4)] });
      post({ type: 'generated', id: request.id, result: { ...SUMMARY, unknownWords: ['zzz'] } });
    });
    const request = client.generate({ seed: 1 }, (p) => progress.push(p.stage === 'encode' ? p.done : -1));
    const result = await request.promise;
    expect(result.unknownWords).toEqual(['zzz']);
    expect(progress).toEqual([1]);
  });

  it('turns error and cancelled replies into rejections', async () => {
    const client = connect((request, post) => {
      if (request.type === 'open-video') post({ type: 'error', id: request.id, message: 'The file is empty (0 bytes).' });
      if (request.type === 'generate') post({ type: 'cancelled', id: request.id });
    });
    await expect(client.openVideo(new File([], 'empty.mp4')).promise).rejects.toThrow('The file is empty (0 bytes).');
    await expect(client.generate({ seed: 1 }, () => undefined).promise).rejects.toBeInstanceOf(CancelledError);
  });

  it('sends cancel with the target id', async () => {
    const seen: EngineRequest[] = [];
    const client = connect((request, post) => {
      seen.push(request);
      if (request.type === 'cancel') post({ type: 'cancelled', id: request.targetId });
    });
    const request = client.generate({ seed: 2 }, () => undefined);
    client.cancel(request.id);
    await expect(request.promise).rejects.toBeInstanceOf(CancelledError);
    expect(seen.map((r) => r.type)).toEqual(['generate', 'cancel']);
  });

  it('copies request buffers rather than transferring them, so the reference sound survives for the next Generate', async () => {
    const received: number[] = [];
    const client = connect((request, post) => {
      if (request.type !== 'generate') return;
      received.push(request.options.audioPrompt?.channels[0]?.length ?? -1);
      post({ type: 'error', id: request.id, message: 'the audio prompt is silent (peak below −80 dBFS)' });
    });
    const channels = [new Float32Array(22050)];
    for (let take = 0; take < 2; take++) {
      await expect(client.generate({ seed: 1, audioPrompt: { sampleRate: 44100, channels } }, () => undefined).promise).rejects.toThrow('silent');
    }
    expect(received).toEqual([22050, 22050]);
    expect(channels[0]!.length).toBe(22050);
  });

  it('assembles the take from the audio chunks the engine streams, in several messages, the summary last', async () => {
    const seen: string[] = [];
    const client = connect((request, post) => {
      if (request.type !== 'generate') return;
      const take = [Float32Array.from({ length: 10 }, (_, i) => i), Float32Array.from({ length: 10 }, (_, i) => -i)];
      for (const [start, end] of [[0, 4], [4, 9], [9, 10]] as const) {
        seen.push(`${start}-${end}`);
        post({ type: 'audio-chunk', id: request.id, sampleRate: 8000, totalSamples: 10, startSample: start, channels: take.map((c) => c.slice(start, end)) });
      }
      post({ type: 'generated', id: request.id, result: { ...SUMMARY, samples: 10, channelCount: 2 } });
    });
    const result = await client.generate({ seed: 1 }, () => undefined).promise;
    expect(seen).toEqual(['0-4', '4-9', '9-10']);
    expect(result.channels.map((c) => Array.from(c))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [-0, -1, -2, -3, -4, -5, -6, -7, -8, -9],
    ]);
  });

  it('fails a generation whose chunks leave a gap, or do not add up to the take, and cancels the job', async () => {
    const seen: string[] = [];
    const client = connect((request, post) => {
      seen.push(request.type);
      if (request.type !== 'generate') return;
      const chunk = (startSample: number) => post({ type: 'audio-chunk', id: request.id, sampleRate: 8000, totalSamples: 4, startSample, channels: [new Float32Array(2)] });
      chunk(0);
      if (request.options.seed === 1) chunk(3);
      post({ type: 'generated', id: request.id, result: SUMMARY });
    });
    await expect(client.generate({ seed: 1 }, () => undefined).promise).rejects.toThrow('does not fit the take (samples 3–5 of 4)');
    await expect(client.generate({ seed: 2 }, () => undefined).promise).rejects.toThrow('sent 2 samples of 1 channels for a take of 4 samples of 1');
    expect(seen).toEqual(['generate', 'cancel', 'generate']);
  });
});
