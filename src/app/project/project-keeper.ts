/**
 * Keeps the open project in browser storage: restores the last one at start, saves every change after a short
 * pause (never on the input's critical path: writes run after the debounce, off any event handler), lets the user
 * start a new project or reopen a recent one, and asks for a restored video that cannot be read.
 */

import type { ActionManager } from '../store/action-manager';
import { rejectInput } from '../store/actions';
import { initialState, type AppState, type LoadedVideo } from '../store/state';
import { ProjectDb, type LoadedProject } from './project-db';
import { awaitedVideoProblem, awaitedVideoReading, projectRestored, projectSaved, projectSaveFailed, projectStarted, recentChanged } from './project-actions';
import { PART_NAMES, partsOf, toSavedProject, worthSaving, type SavedParts, type SavedVideo } from './saved-project';
import { storageProblem } from './storage-problem';
import { audioKeysOf, removeOtherAudio, removeProjectAudio, restoreParts, storeParts } from './track-store';
import { droppedHandleFor, openProblem, readHandleVideo, readStoredVideo, removeVideoBytes, sizeProblem, storeVideoBytes, type VideoRead } from './video-store';

/** Pause after the last change before saving: long enough that typing does not write per key. */
export const SAVE_DELAY_MS = 400;

/** Projects kept; older ones are deleted with their video copies, so storage stays bounded. */
export const RECENT_LIMIT = 5;

/** What the keeper needs of the Session: its store and the one way videos are opened. */
export interface ProjectHost {
  readonly manager: ActionManager;
  openFiles(files: readonly File[]): void;
}

/** What the last successful save wrote, by identity: heavy parts and the video are rewritten only when new. */
interface Written {
  id: string;
  parts: Partial<SavedParts>;
  video: LoadedVideo | null;
  savedVideo: SavedVideo | null;
}

function newProjectId(): string {
  return crypto.randomUUID();
}

function changedForSave(state: AppState, previous: AppState): boolean {
  return (
    state.doc !== previous.doc ||
    state.reference !== previous.reference ||
    state.result !== previous.result ||
    state.takes !== previous.takes ||
    state.video !== previous.video ||
    state.project.awaitingVideo !== previous.project.awaitingVideo ||
    state.view.pxPerSec !== previous.view.pxPerSec ||
    state.view.exportFormat !== previous.view.exportFormat ||
    state.view.exportLoudnessLufs !== previous.view.exportLoudnessLufs ||
    state.view.exportMixOriginal !== previous.view.exportMixOriginal ||
    state.view.exportOriginalGainDb !== previous.view.exportOriginalGainDb
  );
}

export class ProjectKeeper {
  private db: ProjectDb | null = null;
  private written: Written = { id: '', parts: {}, video: null, savedVideo: null };
  /** The handle of the restored project's video, kept for "Allow access". */
  private handle: FileSystemFileHandle | null = null;
  /** The restored video the keeper itself is opening: the saved one, not a new file to copy. */
  private reopening: File | null = null;
  /** A video whose copy failed; not retried on every save (each try would copy the whole file again). */
  private videoFailed: LoadedVideo | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly host: ProjectHost) {}

  private get state(): AppState {
    return this.host.manager.state;
  }

  /** Opens storage and restores the last project; failures become notices, never throws. */
  async start(): Promise<void> {
    // Before the restore: it opens the saved video, and a copy that fails to open (a damaged one fails within
    // milliseconds) must be explained even when that happens before the restore has finished (a CI run showed
    // "Restoring…" for good when the failure beat refreshRecent below).
    this.disposers.push(this.host.manager.store.subscribe((state, previous) => this.followReopening(state, previous)));
    try {
      this.db = await ProjectDb.open();
      const id = await this.db.currentId();
      const loaded = id === null ? null : await this.db.load(id);
      if (loaded) await this.restore(loaded);
      else this.host.manager.dispatch(projectStarted, newProjectId());
      await this.refreshRecent();
    } catch (error) {
      if (!this.state.project.id) this.host.manager.dispatch(projectStarted, newProjectId());
      this.host.manager.dispatch(projectSaveFailed, storageProblem(error, 'the project'));
    }
    this.disposers.push(this.host.manager.store.subscribe((state, previous) => this.follow(state, previous)));
    // The tab closing gets one last save of whatever the debounce still holds.
    const onHide = () => void this.flush();
    globalThis.addEventListener('pagehide', onHide);
    this.disposers.push(() => globalThis.removeEventListener('pagehide', onHide));
  }

  /** Saves now whatever is pending; resolves when it is written (or its failure reported). */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.saving = this.saving.then(() => this.save());
    }
    return this.saving;
  }

  async newProject(): Promise<void> {
    if (this.state.job) return this.host.manager.dispatch(rejectInput, 'Cancel or finish the current generation before starting a new project.');
    await this.flush();
    this.leaveVideo();
    const id = newProjectId();
    this.host.manager.dispatch(projectStarted, id);
    this.written = { id, parts: {}, video: null, savedVideo: null };
    this.handle = null;
    await this.guard(() => this.db?.setCurrentId(id));
  }

  async openRecent(id: string): Promise<void> {
    if (id === this.state.project.id || !this.db) return;
    if (this.state.job) return this.host.manager.dispatch(rejectInput, 'Cancel or finish the current generation before opening another project.');
    await this.flush();
    const db = this.db;
    await this.guard(async () => {
      const loaded = await db.load(id);
      if (!loaded) return this.host.manager.dispatch(rejectInput, 'That project is no longer saved.');
      this.leaveVideo();
      await db.setCurrentId(id);
      await this.restore(loaded);
    });
  }

  /** "Allow access": asks for the handle's permission; must run inside the click that asked for it. */
  async allowVideoAccess(): Promise<void> {
    if (this.handle) await this.readVideo(true);
  }

  /** The user picked the restored project's video (again); it is copied anew, the stored one being gone. */
  relinkVideo(file: File): void {
    this.host.manager.dispatch(awaitedVideoReading, undefined);
    this.host.openFiles([file]);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const dispose of this.disposers.splice(0)) dispose();
    this.db?.close();
  }

  private followReopening(state: AppState, previous: AppState): void {
    if (this.reopening && state.opening === null && previous.opening !== null) {
      const file = this.reopening;
      this.reopening = null;
      // The file was read but did not open: say why (replaced, damaged, gone meanwhile) and ask for it.
      if (state.video === previous.video) void this.explainFailedOpen(file);
      else this.written.video = state.video;
    }
  }

  private follow(state: AppState, previous: AppState): void {
    if (!changedForSave(state, previous)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saving = this.saving.then(() => this.save());
    }, SAVE_DELAY_MS);
  }

  private async restore({ project, parts: stored, handle }: LoadedProject): Promise<void> {
    const { parts, lost } = await restoreParts(project.id, stored);
    // The written parts are the very objects put into the store, so the first save does not rewrite them.
    this.written = { id: project.id, parts: { ...parts }, video: null, savedVideo: project.video };
    this.handle = handle;
    this.host.manager.dispatch(projectRestored, { project, parts });
    if (lost > 0) this.host.manager.dispatch(rejectInput, `The sound of ${lost === 1 ? 'one take' : `${lost} takes`} could not be read back from browser storage (cleared or damaged); everything else is restored.`);
    if (project.video) await this.readVideo(false);
  }

  private async readVideo(ask: boolean): Promise<void> {
    const saved = this.written.savedVideo;
    if (!saved) return;
    let read: VideoRead;
    try {
      read = saved.source === 'handle' && this.handle ? await readHandleVideo(this.handle, ask) : await readStoredVideo(this.written.id, saved.fileName, saved.mimeType);
    } catch {
      read = { problem: 'gone' };
    }
    if ('problem' in read) return this.host.manager.dispatch(awaitedVideoProblem, read.problem);
    // Another size is another file: opening it would drop the takes made for the saved one.
    const changed = sizeProblem(read.file, saved);
    if (changed) return this.host.manager.dispatch(awaitedVideoProblem, changed);
    this.host.manager.dispatch(awaitedVideoReading, undefined);
    // Like a user's drop, the restore follows the engine's start rather than racing it. (The hang once blamed on
    // opening during the pack load was the video decoder waiting for the model's WebAssembly compile; see
    // DEFAULT_START_TIMEOUT_SEC in src/media/decode-pump.ts.)
    await this.engineSettled();
    this.reopening = read.file;
    this.host.openFiles([read.file]);
  }

  private async explainFailedOpen(file: File): Promise<void> {
    const source = this.written.savedVideo?.source ?? 'opfs';
    this.host.manager.dispatch(awaitedVideoProblem, await openProblem(file, source));
  }

  private engineSettled(): Promise<void> {
    return new Promise((resolve) => {
      if (this.state.engine.status !== 'starting') return resolve();
      const unsubscribe = this.host.manager.store.subscribe((state) => {
        if (state.engine.status === 'starting') return;
        unsubscribe();
        resolve();
      });
    });
  }

  private async save(): Promise<void> {
    const state = this.state;
    const db = this.db;
    if (!db || !state.project.id || !worthSaving(state, initialState.doc)) return;
    if (this.written.id !== state.project.id) this.written = { id: state.project.id, parts: {}, video: null, savedVideo: null };
    const written = this.written;
    const { savedVideo, handle, videoProblem } = await this.storeVideo(state);
    const parts: Partial<SavedParts> = {};
    const current = partsOf(state);
    for (const name of PART_NAMES) if (!(name in written.parts) || written.parts[name] !== current[name]) Object.assign(parts, { [name]: current[name] });
    try {
      await db.save(toSavedProject(state, savedVideo, Date.now()), await storeParts(written.id, parts), handle);
    } catch (error) {
      return this.host.manager.dispatch(projectSaveFailed, storageProblem(error, 'the project'));
    }
    Object.assign(written.parts, parts);
    // Audio files of replaced or deleted takes (and of a save that failed half way) go once the record no longer names them.
    // A cleanup that fails loses nothing and is retried after the next save.
    await removeOtherAudio(written.id, audioKeysOf(written.id, written.parts)).catch(() => undefined);
    written.savedVideo = savedVideo;
    if (videoProblem) this.host.manager.dispatch(projectSaveFailed, videoProblem);
    else this.host.manager.dispatch(projectSaved, undefined);
    // save() must never reject: the next save is chained on this one.
    await this.guard(() => this.refreshRecent());
  }

  /**
   * Makes sure the open video can be found after a reload: its dropped file handle, else a copy of its bytes.
   * `handle` undefined: leave the stored handle as it is; null: remove it.
   */
  private async storeVideo(state: AppState): Promise<{ savedVideo: SavedVideo | null; handle?: FileSystemFileHandle | null; videoProblem?: string }> {
    const written = this.written;
    const video = state.video;
    if (!video) return { savedVideo: state.project.awaitingVideo ? written.savedVideo : null };
    if (video === written.video || video === this.videoFailed) return { savedVideo: written.savedVideo };
    const base = { fileName: video.fileName, sizeBytes: video.sizeBytes, durationSec: video.info.durationSec };
    const handle = await droppedHandleFor(video.fileName, video.sizeBytes);
    if (handle) {
      await removeVideoBytes(written.id).catch(() => undefined);
      written.video = video;
      return { savedVideo: { ...base, mimeType: '', source: 'handle' }, handle };
    }
    const savedVideo: SavedVideo = { ...base, mimeType: '', source: 'opfs' };
    try {
      savedVideo.mimeType = video.file.type;
      await storeVideoBytes(written.id, video.file);
      written.video = video;
      return { savedVideo, handle: null };
    } catch (error) {
      this.videoFailed = video;
      // The rest is still saved, naming the video: a reload then asks for the file instead of losing the project.
      return { savedVideo, handle: null, videoProblem: storageProblem(error, 'the video') };
    }
  }

  private async refreshRecent(): Promise<void> {
    const db = this.db;
    if (!db) return;
    const all = await db.list();
    const keep = all.slice(0, RECENT_LIMIT);
    for (const old of all.slice(RECENT_LIMIT)) {
      if (old.id === this.state.project.id) continue;
      await db.remove(old.id);
      await removeVideoBytes(old.id).catch(() => undefined);
      await removeProjectAudio(old.id).catch(() => undefined);
    }
    this.host.manager.dispatch(recentChanged, keep);
  }

  /** Releases what the open video held before another project replaces it (the session does so for a new file). */
  private leaveVideo(): void {
    const video = this.state.video;
    if (!video) return;
    URL.revokeObjectURL(video.objectUrl);
    for (const thumbnail of video.info.thumbnails) thumbnail.image.close();
  }

  private async guard(work: () => Promise<unknown> | undefined): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.host.manager.dispatch(projectSaveFailed, storageProblem(error, 'the project'));
    }
  }
}
