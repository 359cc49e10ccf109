/** Turns a storage failure into the sentence the user reads; a full disk must never fail silently. */

/**
 * Names browsers use for "no room left": the standard DOMException name, and Firefox's older
 * NS_ERROR_DOM_QUOTA_REACHED (still thrown by some of its IndexedDB paths).
 */
const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

function errorName(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : null;
}

export function isQuotaError(error: unknown): boolean {
  const name = errorName(error);
  if (name !== null && QUOTA_NAMES.has(name)) return true;
  // An IndexedDB transaction that ran out of room aborts; the quota error is its `error`, or the abort's cause.
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  return cause !== undefined && isQuotaError(cause);
}

/** `what`: what could not be saved, e.g. "the project" or "the video". */
export function storageProblem(error: unknown, what: string): string {
  if (isQuotaError(error)) {
    return `Browser storage is full, so ${what} was not saved. Delete projects from the recent list or free disk space; your work stays open in this tab.`;
  }
  const name = errorName(error);
  if (name === 'SecurityError' || name === 'InvalidStateError') {
    return `This browser does not allow saving here (private window or storage turned off), so ${what} will not survive a reload.`;
  }
  const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
  return `Saving ${what} failed${detail}; your work stays open in this tab.`;
}
