/** The pack the app loads unless the address says `?pack=`. */
export const DEFAULT_PACK_ID = 'foley-tiny';
