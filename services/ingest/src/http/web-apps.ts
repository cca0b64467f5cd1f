import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { sendProblem } from './problem.ts';

/** The single-page applications ingest serves, each at `/<name>/`. */
const APPS = ['portal', 'console'] as const;

// Same-origin scripts and API calls only (everything is bundled); images may be the sender's logo (https or data:).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

/**
 * Serves the built portal and console (`npm run build:web`) from `dir`: bundled assets under `/assets/` (cached for
 * good: their names carry a content hash), and each application's `index.html` for every path under it, so deep
 * links work. Without a build, those paths answer a problem saying how to build.
 */
export function serveWebApps(app: Express, dir: string): void {
  app.use('/assets', express.static(join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: true }));
  for (const name of APPS) {
    const index = join(dir, name, 'index.html');
    const files = express.static(join(dir, name), { index: false, fallthrough: true });
    // Middleware rather than routes: these pages are not part of the API (nor of its OpenAPI document).
    app.use(`/${name}`, (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      if (req.originalUrl === `/${name}` || req.originalUrl.startsWith(`/${name}?`)) return res.redirect(301, `/${name}/`);
      files(req, res, () => {
        if (!existsSync(index)) {
          return sendProblem(res, 404, `the ${name} is not built: run npm run build:web`, { code: 'HKL_WEB_NOT_BUILT' });
        }
        res.set({
          'Content-Security-Policy': CSP,
          'Cache-Control': 'no-cache',
          'Referrer-Policy': 'no-referrer',
          'X-Content-Type-Options': 'nosniff',
        });
        res.sendFile(index);
      });
    });
  }
}
