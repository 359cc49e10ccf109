import type { PackStorage } from '../../engine/host/protocol';
import { useAppState } from '../use-session';

/** Decimal megabytes, as storage settings pages show them. */
function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** The last path segment of a pack folder URL (`…/models/foley-tiny/` → `foley-tiny`). */
function folderName(location: string): string {
  return new URL(location).pathname.split('/').filter(Boolean).pop() ?? location;
}

function details(storage: PackStorage): string {
  const packs = storage.packs.map((p) => `${folderName(p.location)} ${megabytes(p.bytes)}`).join(', ');
  const site =
    storage.usageBytes !== null && storage.quotaBytes !== null
      ? ` This site uses ${megabytes(storage.usageBytes)} of ${megabytes(storage.quotaBytes)} the browser allows (its estimate, app and runtimes included).`
      : '';
  return `Model packs kept for offline use, each file once: ${packs}.${site}`;
}

/** How much space the loaded pack takes offline; the title breaks it down per pack and for the whole site. */
export function PackStorageLine() {
  const storage = useAppState((state) => state.engine.pack?.storage);
  if (!storage) return null;
  return (
    <span className="pack-storage" data-testid="pack-storage" data-pack-bytes={storage.packBytes} title={details(storage)} style={{ fontSize: 12 }}>
      {`offline: ${megabytes(storage.packBytes)}`}
    </span>
  );
}
