import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/app.css';
import { App } from './app/components/app';
import { createEngineWorker } from './app/engine-worker';
import { ProjectKeeper } from './app/project/project-keeper';
import { ProjectContext } from './app/project/use-project';
import { configFromUrl, Session } from './app/session';
import { SessionContext } from './app/use-session';

const session = new Session();
try {
  session.start(createEngineWorker, configFromUrl(new URL(window.location.href), import.meta.env.BASE_URL));
} catch (error) {
  session.failStart(error instanceof Error ? error.message : String(error));
}
// Restores the last project (after the engine worker exists, so its video can be opened) and saves every change.
const keeper = new ProjectKeeper(session);
void keeper.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <SessionContext.Provider value={session}>
      <ProjectContext.Provider value={keeper}>
        <App />
      </ProjectContext.Provider>
    </SessionContext.Provider>
  </StrictMode>,
);

// Offline support: the service worker precaches the app shell and ORT's runtimes; the engine caches the packs.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL }).catch((error: unknown) => {
    console.warn('Service worker registration failed; the app will not work offline.', error);
  });
}
