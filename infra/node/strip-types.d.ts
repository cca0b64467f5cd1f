/** Strips what is new or changed; returns how many sources were stripped and how many there are. */
export declare function buildStrippedCache(): { stripped: number; sources: number };
