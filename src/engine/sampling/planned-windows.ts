/**
 * How many DiT windows a generation will run, known before it starts: the ETA's plan (eta.ts WorkPlan). A region
 * regenerate runs only the windows around its range (region.ts), so counting the whole clip's would promise an
 * hour for a two-second region of a long video.
 */

import type { GenerateOptions } from '../host/protocol';
import type { PackManifest } from '../pack/manifest';
import { planWindows, windowOverlapSec } from './long-form';
import { planRegionWindows } from './region';
import { clipSizes } from './sequence';

/** Window count of generate(manifest, a clip of durationSec, options); throws where generate() would refuse. */
export function plannedWindowCount(manifest: PackManifest, durationSec: number, options: Pick<GenerateOptions, 'region' | 'windowContinuity'>): number {
  const { windowSec, overlapSec } = manifest.sampler;
  const sizes = clipSizes(manifest, durationSec);
  const plan = { sampleRate: manifest.sampleRate, hop: manifest.latent.hop, windowSec, overlapSec };
  if (options.region) return planRegionWindows(options.region, sizes, plan).length;
  const continuity = manifest.conditioning.known !== undefined && options.windowContinuity !== false;
  return planWindows({ ...plan, overlapSec: windowOverlapSec(overlapSec, windowSec, continuity), totalSamples: sizes.samples }).length;
}
