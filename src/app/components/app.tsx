import { useEffect } from 'react';
import type { KeyStroke } from '../store/action';
import { useAppState, useSession } from '../use-session';
import { AudioLane } from './audio-lane';
import { DropZone, EmptyStage, OpenVideoButton } from './drop-zone';
import { CurvePanel } from './curve-panel';
import { ExportPanel } from './export-panel';
import { GeneratePanel } from './generate-panel';
import { TakesPanel } from './takes-panel';
import { MetersPanel } from './meters-panel';
import { NoticeBar } from './notice-bar';
import { Timeline } from './timeline';
import { TopBar } from './top-bar';
import { Transport } from './transport';
import { VideoPreview } from './video-preview';

function toKeyStroke(event: KeyboardEvent): KeyStroke {
  const target = event.target as HTMLElement | null;
  const inTextField = target !== null && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
  return { key: event.key, code: event.code, ctrlKey: event.ctrlKey, metaKey: event.metaKey, shiftKey: event.shiftKey, altKey: event.altKey, inTextField };
}

/** One keyboard listener for the whole app; it feeds the same dispatcher the buttons use. */
function useKeyboardShortcuts() {
  const session = useSession();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      if (session.manager.handleKey(toKeyStroke(event))) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [session]);
}

export function App() {
  useKeyboardShortcuts();
  const hasVideo = useAppState((state) => state.video !== null);
  return (
    <DropZone>
      <div className="app">
        <TopBar />
        <NoticeBar />
        <main className="workspace">
          <div className="main-column">
            <div className="stage">{hasVideo ? <VideoPreview /> : <EmptyStage />}</div>
            {hasVideo && (
              <section className="editor" aria-label="Editor">
                <Transport />
                <Timeline audioLane={<AudioLane />} />
              </section>
            )}
          </div>
          <aside className="side">
            <GeneratePanel />
            {hasVideo && <TakesPanel />}
            {hasVideo && <CurvePanel />}
            <MetersPanel />
            {hasVideo && <ExportPanel />}
            {hasVideo && (
              <section className="panel">
                <OpenVideoButton />
              </section>
            )}
          </aside>
        </main>
      </div>
    </DropZone>
  );
}
