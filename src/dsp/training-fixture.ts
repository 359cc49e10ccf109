/**
 * Test support: reads a fixture that training/ generates (`python -m foley.export.fixtures`, listed in
 * training/foley/export/fixtures.py) so vitest runs the TypeScript maths on the same inputs pytest rebuilds.
 * Node only; imported by *.test.ts files, never by the app.
 */
import { readFileSync } from 'node:fs';

/** A base64 little-endian float32 array as the fixtures store larger tensors. */
export interface Float32Entry {
  dtype: 'float32';
  data: string;
}

export function readTrainingFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../training/fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function base64Float32(entry: Float32Entry | string): Float32Array {
  const bytes = Buffer.from(typeof entry === 'string' ? entry : entry.data, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Largest |a[i] − b[i]| (lengths must agree). */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
