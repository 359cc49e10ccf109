import type { TimeRange } from '../store/state';

/** On a take row: the range a region take regenerated, and of which take. */
export function RegionTakeLabel({ region }: { region: TimeRange & { fromId: number } }) {
  return (
    <span className="take-region" data-testid="take-region" data-start-sec={region.startSec} data-end-sec={region.endSec} data-from-id={region.fromId}>
      {' '}
      · {region.startSec.toFixed(2)}–{region.endSec.toFixed(2)} s regenerated
    </span>
  );
}
