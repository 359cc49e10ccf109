/**
 * Latent → audio decoding (Griffin-Lim, src/dsp) as independent per-channel jobs, so decoding can run on other
 * threads while the DiT works on the next window. `runDecodeJob` is the one function every decoder runs, inline or
 * in a worker, so all of them produce bit-identical audio.
 */

import { latentToAudio, type LogMelParams } from '../../dsp/log-mel';

export interface DecodeJob {
  /** One channel's latent, [frames, nMels] row-major. */
  latent: Float32Array;
  frames: number;
  params: LogMelParams;
  iterations: number;
  /** Fast Griffin-Lim momentum (0 = plain). */
  momentum: number;
  lengthSamples: number;
  /** Griffin-Lim's initial-phase seed for this channel. */
  seed: number;
}

export interface LatentDecoder {
  decode(job: DecodeJob): Promise<Float32Array>;
  dispose(): void;
}

export function runDecodeJob(job: DecodeJob): Float32Array {
  return latentToAudio(job.latent, job.frames, 1, job.params, job.iterations, job.lengthSamples, job.seed, job.momentum)[0]!;
}

/**
 * Splits a latent [frames, channels·nMels] (channel-major columns) into one [frames, nMels] latent per channel.
 * Channel c decoded with seed s equals channel c of latentToAudio(…, channels, …, s).
 */
export function splitChannels(latent: Float32Array, frames: number, channels: number, nMels: number): Float32Array[] {
  const dims = channels * nMels;
  return Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(frames * nMels);
    for (let f = 0; f < frames; f++) out.set(latent.subarray(f * dims + c * nMels, f * dims + (c + 1) * nMels), f * nMels);
    return out;
  });
}

/** Decodes on the calling thread (the work happens inside the decode() call). */
export function inlineDecoder(): LatentDecoder {
  return {
    decode: async (job) => runDecodeJob(job),
    dispose: () => undefined,
  };
}

export interface DecoderPort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
}

export type DecoderReply = { id: number; audio: Float32Array } | { id: number; error: string };

/**
 * A pool of decoder threads (web workers or worker_threads) behind LatentDecoder. Each job goes to the thread with
 * the fewest jobs in flight; the latent buffer is transferred, the audio comes back transferred.
 */
export class DecoderPool implements LatentDecoder {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(audio: Float32Array): void; reject(error: Error): void; port: number }>();
  private readonly load: number[];

  constructor(private readonly ports: DecoderPort[]) {
    if (ports.length === 0) throw new RangeError('DecoderPool needs at least one thread');
    this.load = ports.map(() => 0);
  }

  /** The thread adapters call this with each reply. */
  receive(reply: DecoderReply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    this.load[entry.port]!--;
    if ('error' in reply) entry.reject(new Error(`audio decoding failed: ${reply.error}`));
    else entry.resolve(reply.audio);
  }

  /** A thread died: fail its jobs so generate() reports instead of hanging. */
  fail(port: number, error: Error): void {
    for (const [id, entry] of this.pending) {
      if (entry.port !== port) continue;
      this.pending.delete(id);
      entry.reject(error);
    }
  }

  decode(job: DecodeJob): Promise<Float32Array> {
    const port = this.load.indexOf(Math.min(...this.load));
    const id = this.nextId++;
    this.load[port]!++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, port });
      this.ports[port]!.postMessage({ id, job }, [job.latent.buffer as ArrayBuffer]);
    });
  }

  dispose(): void {
    this.ports.forEach((p, i) => {
      this.fail(i, new Error('the audio decoder was closed'));
      p.terminate();
    });
  }
}
