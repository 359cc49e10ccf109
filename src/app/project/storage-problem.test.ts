import { describe, expect, it } from 'vitest';
import { isQuotaError, storageProblem } from './storage-problem';

describe('storageProblem', () => {
  it('maps a QuotaExceededError, direct or as an abort cause, to the storage-full sentence', () => {
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(new Error('Transaction aborted', { cause: quota }))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(storageProblem(quota, 'the project')).toMatch(/^Browser storage is full, so the project was not saved\./);
  });

  it('names blocked storage and passes other failures on with their message', () => {
    expect(isQuotaError(new DOMException('denied', 'SecurityError'))).toBe(false);
    expect(storageProblem(new DOMException('denied', 'SecurityError'), 'the video')).toMatch(/does not allow saving here/);
    expect(storageProblem(new Error('disk unplugged'), 'the video')).toBe('Saving the video failed (disk unplugged); your work stays open in this tab.');
    expect(storageProblem('weird', 'the project')).toBe('Saving the project failed; your work stays open in this tab.');
  });
});
