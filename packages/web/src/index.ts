import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the built web applications (`npm run build:web`): `portal/index.html`, `console/index.html`
 * and the bundled `assets/` they share. Ingest serves it at `/portal/` and `/console/`.
 */
export const webDistDir: string = fileURLToPath(new URL('../dist', import.meta.url));
