/** React access to the one Session: the context that carries it and a selector hook over its store. */

import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Session } from './session';
import type { AppState } from './store/state';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() needs a <SessionContext.Provider> above it');
  return session;
}

export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useSession().manager.store, selector);
}
