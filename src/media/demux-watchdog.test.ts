/** The demux watchdog's clock: progress restarts it, silence ends the wait with the limit named. */
import { describe, expect, it } from 'vitest';
import { withinDeadline } from './demux-watchdog';
import { MediaError } from './media-error';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withinDeadline', () => {
  it('lets slow work finish while it keeps reporting progress', async () => {
    const listeners = new Set<() => void>();
    const work = (async () => {
      for (let i = 0; i < 6; i++) {
        await sleep(100);
        listeners.forEach((l) => l());
      }
      return 'done';
    })();
    const watch = (restart: () => void) => {
      listeners.add(restart);
      return () => listeners.delete(restart);
    };
    await expect(withinDeadline(work, 'reading', 0.3, watch)).resolves.toBe('done');
    expect(listeners.size).toBe(0);
  });

  it('gives up on silent work with a plain reason naming the limit', async () => {
    const error = await withinDeadline(new Promise(() => undefined), 'reading its tracks', 0.2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).message).toBe('This file is damaged or unreadable: reading its tracks made no progress for 0.2 s.');
  });
});
