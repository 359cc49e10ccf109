/**
 * The pump's guarantees that real decoders cannot be made to exercise on demand (a stall, a slow consumer),
 * checked with a minimal stand-in decoder that follows the WebCodecs callback contract.
 */
import { describe, expect, it } from 'vitest';
import { pumpDecoder } from './decode-pump';
import type { EncodedPacket } from './demuxer';
import { MediaError } from './media-error';

class Output {
  closed = false;
  constructor(readonly id: number) {}
  close(): void {
    this.closed = true;
  }
}

/** Emits one output per decoded chunk on a later task; `stallAfter` chunks it goes silent, like a wedged decoder. */
class StandInDecoder {
  decodeQueueSize = 0;
  state: CodecState = 'configured';
  ondequeue: (() => unknown) | null = null;
  private decoded = 0;
  /** `startAfterMs`: the decoder takes no chunk before then, like a browser that has not set it up yet. */
  constructor(private readonly output: (o: Output) => void, private readonly stallAfter = Infinity, private readonly startAfterMs = 0) {}
  private readonly bornMs = Date.now();

  decode(id: number): void {
    this.decodeQueueSize++;
    if (this.decoded >= this.stallAfter) return;
    this.decoded++;
    setTimeout(() => {
      this.decodeQueueSize--;
      this.ondequeue?.();
      this.output(new Output(id));
    }, Math.max(1, this.bornMs + this.startAfterMs - Date.now()));
  }

  flush(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 5));
  }

  close(): void {
    this.state = 'closed';
  }
}

async function* packets(count: number): AsyncGenerator<EncodedPacket> {
  for (let i = 0; i < count; i++) yield { key: i === 0, timestampUs: i * 1000, durationUs: 1000, data: new Uint8Array(1) };
}

function pump(count: number, made: Output[], stallAfter = Infinity, signal?: AbortSignal) {
  return pumpDecoder<StandInDecoder, Output, number>({
    createDecoder: (output) => new StandInDecoder((o) => { made.push(o); output(o); }, stallAfter) as never,
    decode: (decoder, chunk) => decoder.decode(chunk),
    toChunk: (p) => p.timestampUs / 1000,
    packets: packets(count),
    signal,
    stallTimeoutSec: 0.3,
    label: 'test',
  });
}

describe('pumpDecoder', () => {
  it('yields every output in order and keeps few undelivered outputs alive under a slow consumer', async () => {
    const made: Output[] = [];
    const ids: number[] = [];
    for await (const o of pump(40, made)) {
      const alive = made.filter((m) => !m.closed).length;
      // Bound: 4 awaiting the consumer + 4 in the decoder queue + the one being consumed.
      expect(alive).toBeLessThanOrEqual(9);
      await new Promise((r) => setTimeout(r, 3));
      ids.push(o.id);
      o.close();
    }
    expect(ids).toEqual([...Array(40).keys()]);
  });

  it('turns a decoder that stops making progress into a MediaError instead of hanging', async () => {
    const made: Output[] = [];
    const run = async () => {
      for await (const o of pump(40, made, 10)) o.close();
    };
    await expect(run()).rejects.toSatisfy((e: unknown) => e instanceof MediaError && e.code === 'decode-failed' && /no progress/.test(e.message));
    expect(made.every((m) => m.closed)).toBe(true);
  });

  it('waits for a decoder the browser is slow to start: no progress before its first chunk is not a damaged file', async () => {
    // Chromium's first configure after onnxruntime-web loaded waited 10–27 s for the thread pool; the stall limit was 30 s.
    const outputs = pumpDecoder<StandInDecoder, Output, number>({
      createDecoder: (output) => new StandInDecoder(output, Infinity, 900) as never,
      decode: (decoder, chunk) => decoder.decode(chunk),
      toChunk: (p) => p.timestampUs / 1000,
      packets: packets(12),
      stallTimeoutSec: 0.3,
      label: 'test',
    });
    const ids: number[] = [];
    for await (const o of outputs) {
      ids.push(o.id);
      o.close();
    }
    expect(ids).toEqual([...Array(12).keys()]);
  });

  it('still ends the wait for a decoder that never starts, saying it is the browser', async () => {
    const run = async () => {
      const outputs = pumpDecoder<StandInDecoder, Output, number>({
        createDecoder: (output) => new StandInDecoder(output, 0) as never,
        decode: (decoder, chunk) => decoder.decode(chunk),
        toChunk: (p) => p.timestampUs / 1000,
        packets: packets(12),
        stallTimeoutSec: 0.1,
        startTimeoutSec: 0.4,
        label: 'test',
      });
      for await (const o of outputs) o.close();
    };
    await expect(run()).rejects.toSatisfy((e: unknown) => e instanceof MediaError && e.code === 'decode-failed' && /did not start the test decoder within 0.4 s/.test(e.message));
  });

  it('covers the demuxer too: a packet read that never completes becomes a MediaError naming the limit', async () => {
    // An async generator stuck in a read: its return() also waits for that read, so the pump must not await it.
    const never = (async function* (): AsyncGenerator<EncodedPacket> {
      yield await new Promise<never>(() => undefined);
    })();
    const run = async () => {
      const outputs = pumpDecoder<StandInDecoder, Output, number>({
        createDecoder: (output) => new StandInDecoder(output) as never,
        decode: (decoder, chunk) => decoder.decode(chunk),
        toChunk: (p) => p.timestampUs,
        packets: never,
        stallTimeoutSec: 0.3,
        label: 'test',
      });
      for await (const o of outputs) o.close();
    };
    await expect(run()).rejects.toSatisfy((e: unknown) => e instanceof MediaError && /no progress for 0.3 s/.test(e.message));
  });

  it('closes undelivered outputs when the consumer stops early', async () => {
    const made: Output[] = [];
    for await (const o of pump(40, made)) {
      o.close();
      if (o.id === 3) break;
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(made.every((m) => m.closed)).toBe(true);
  });
});
