/**
 * IndexedDB for saved projects: the light record, its parts (the tracks' samples are in OPFS, track-store.ts), the
 * video's file handle (handles are structured-cloneable, so they survive a reload; OPFS cannot hold one) and which
 * project was open last.
 */

import { initialState, type ProjectSummary } from '../store/state';
import { readSavedProject, summaryOf, type PartName, type SavedProject, type StoredParts } from './saved-project';

const DB_NAME = 'foley-studio-projects';
const DB_VERSION = 1;
const PROJECTS = 'projects';
const PARTS = 'parts';
const HANDLES = 'video-handles';
const META = 'meta';
const CURRENT_KEY = 'current';

function partKey(id: string, part: PartName): string {
  return `${id}/${part}`;
}

function requestDone<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves when the transaction commits; a quota failure aborts it with the QuotaExceededError as its `error`. */
function transactionDone(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    const fail = () => reject(transaction.error ?? new DOMException('IndexedDB transaction aborted', 'AbortError'));
    transaction.onerror = fail;
    transaction.onabort = fail;
  });
}

export interface LoadedProject {
  project: SavedProject;
  parts: StoredParts;
  handle: FileSystemFileHandle | null;
}

export class ProjectDb {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(): Promise<ProjectDb> {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      for (const name of [PROJECTS, PARTS, HANDLES, META]) {
        if (!request.result.objectStoreNames.contains(name)) request.result.createObjectStore(name);
      }
    };
    return new ProjectDb(await requestDone(request));
  }

  /** One transaction: the record, the parts that changed and the handle land together or not at all. */
  async save(project: SavedProject, parts: Partial<StoredParts>, handle: FileSystemFileHandle | null | undefined): Promise<void> {
    const transaction = this.db.transaction([PROJECTS, PARTS, HANDLES, META], 'readwrite');
    const done = transactionDone(transaction);
    transaction.objectStore(PROJECTS).put(project, project.id);
    for (const [part, value] of Object.entries(parts) as [PartName, unknown][]) transaction.objectStore(PARTS).put(value, partKey(project.id, part));
    if (handle) transaction.objectStore(HANDLES).put(handle, project.id);
    else if (handle === null) transaction.objectStore(HANDLES).delete(project.id);
    transaction.objectStore(META).put(project.id, CURRENT_KEY);
    await done;
  }

  async load(id: string): Promise<LoadedProject | null> {
    const transaction = this.db.transaction([PROJECTS, PARTS, HANDLES], 'readonly');
    const record = await requestDone(transaction.objectStore(PROJECTS).get(id));
    if (record === undefined) return null;
    const project = readSavedProject(record);
    const [reference, result, takes, handle] = await Promise.all([
      requestDone(transaction.objectStore(PARTS).get(partKey(id, 'reference'))),
      requestDone(transaction.objectStore(PARTS).get(partKey(id, 'result'))),
      requestDone(transaction.objectStore(PARTS).get(partKey(id, 'takes'))),
      requestDone(transaction.objectStore(HANDLES).get(id)),
    ]);
    return {
      project,
      parts: {
        reference: (reference ?? null) as StoredParts['reference'],
        result: (result ?? null) as StoredParts['result'],
        // Projects saved before takes existed have none.
        takes: (takes ?? initialState.takes) as StoredParts['takes'],
      },
      handle: (handle ?? null) as FileSystemFileHandle | null,
    };
  }

  /** Newest first. Reads only the light records. */
  async list(): Promise<ProjectSummary[]> {
    const records = await requestDone(this.db.transaction(PROJECTS, 'readonly').objectStore(PROJECTS).getAll());
    const summaries: ProjectSummary[] = [];
    for (const record of records) {
      try {
        summaries.push(summaryOf(readSavedProject(record)));
      } catch {
        // A damaged or future record stays out of the list; opening it would only fail.
      }
    }
    return summaries.sort((a, b) => b.savedAtMs - a.savedAtMs);
  }

  async remove(id: string): Promise<void> {
    const transaction = this.db.transaction([PROJECTS, PARTS, HANDLES], 'readwrite');
    const done = transactionDone(transaction);
    transaction.objectStore(PROJECTS).delete(id);
    transaction.objectStore(PARTS).delete(IDBKeyRange.bound(`${id}/`, `${id}/\uffff`));
    transaction.objectStore(HANDLES).delete(id);
    await done;
  }

  async currentId(): Promise<string | null> {
    const id = await requestDone(this.db.transaction(META, 'readonly').objectStore(META).get(CURRENT_KEY));
    return typeof id === 'string' ? id : null;
  }

  async setCurrentId(id: string): Promise<void> {
    const transaction = this.db.transaction(META, 'readwrite');
    const done = transactionDone(transaction);
    transaction.objectStore(META).put(id, CURRENT_KEY);
    await done;
  }

  close(): void {
    this.db.close();
  }
}
