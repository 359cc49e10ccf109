/** React access to the one ProjectKeeper (created next to the Session in main.tsx). */

import { createContext, useContext } from 'react';
import type { ProjectKeeper } from './project-keeper';

export const ProjectContext = createContext<ProjectKeeper | null>(null);

/** Null when no keeper runs (e.g. a component rendered alone); project controls then hide. */
export function useProject(): ProjectKeeper | null {
  return useContext(ProjectContext);
}
