/**
 * The pack the app loads unless the address says `?pack=`; the service worker precaches exactly this one
 * (vite.config.ts reads it too).
 */
export const DEFAULT_PACK_ID = 'foley-tiny';
