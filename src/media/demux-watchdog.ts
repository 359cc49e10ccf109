/**
 * Watchdogs for demuxing, the part of reading a video that runs before and between decoder calls. Two ways it can
 * hang on a damaged file, each with its own guard:
 * - a loop that keeps reading without ever yielding (mediabunny 1.61's Matroska resync stops advancing with 8 bytes
 *   left and spins at 100 % CPU): no timer can fire, so the reads themselves check the clock (guardReads);
 * - a read or parse step that waits forever: a timer races it (withinDeadline).
 */
import { MediaError } from './media-error';

/** The event loop blocked this long while the demuxer keeps reading means a loop; real parsing yields in milliseconds. */
export const DEMUX_SPIN_LIMIT_SEC = 5;
/** Reads in one blocked stretch before the clock is trusted: a few cached reads after a long unrelated task are not a loop. */
const MIN_SPIN_READS = 1000;
/** A demuxing step (open, next packet) that makes no progress this long is given up, like the decoder's watchdog. */
export const DEMUX_STALL_LIMIT_SEC = 30;

function spinError(): MediaError {
  return new MediaError(
    'damaged',
    `This file is damaged: reading it made no progress for ${DEMUX_SPIN_LIMIT_SEC} s (its structure loops or leads nowhere).`,
  );
}

interface ReadingSource {
  _read(...args: unknown[]): unknown;
}

/**
 * Makes every read of a mediabunny source check for a blocked event loop. `_read` is the one method every
 * reader request goes through (mediabunny's Reader.requestSlice), cached or not; it is internal, hence the check.
 */
export function guardReads(source: object): void {
  const reading = source as Partial<ReadingSource>;
  if (typeof reading._read !== 'function') throw new Error('mediabunny Source has no _read(); update demux-watchdog.ts for this version');
  const read = reading._read.bind(source);
  let waitingForTurn = false;
  let blockedSinceMs = 0;
  let readsWhileBlocked = 0;
  reading._read = (...args: unknown[]) => {
    if (!waitingForTurn) {
      // A zero-delay timer runs only once the event loop turns: until then every read belongs to one blocked stretch.
      waitingForTurn = true;
      blockedSinceMs = performance.now();
      readsWhileBlocked = 0;
      setTimeout(() => { waitingForTurn = false; }, 0);
    } else if (++readsWhileBlocked >= MIN_SPIN_READS && performance.now() - blockedSinceMs > DEMUX_SPIN_LIMIT_SEC * 1000) {
      throw spinError();
    }
    return read(...args);
  };
}

/**
 * Resolves or rejects as `work` does, or rejects with a MediaError naming `what` once `limitSec` pass without a
 * result or progress. `watchProgress` (optional) subscribes a callback that restarts the clock, e.g. on every read
 * from the file, so a slow but moving read of a large file is never cut off; it returns its unsubscribe function.
 */
export function withinDeadline<T>(
  work: Promise<T>, what: string, limitSec = DEMUX_STALL_LIMIT_SEC, watchProgress?: (restart: () => void) => () => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const start = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => reject(new MediaError('damaged', `This file is damaged or unreadable: ${what} made no progress for ${limitSec} s.`)),
        limitSec * 1000,
      );
    };
    start();
    unsubscribe = watchProgress?.(start);
  });
  return Promise.race([work, deadline]).finally(() => {
    clearTimeout(timer);
    unsubscribe?.();
  });
}
