// ESLint flat config. Kept in infra/lint (not the repository root) so the top level stays as STYLE.md lays it
// out; `npm run lint` passes it with --config.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const services = ['ingest', 'dispatcher', 'tracker'];

/** Import bans that keep the layout honest: who may depend on whom. */
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.hookline/**', 'bench/results/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // The portal and the console run in the browser.
  { files: ['packages/web/src/**/*.{ts,tsx}'], ignores: ['packages/web/src/index.ts'], languageOptions: { globals: globals.browser } },
  // Packages never import services.
  {
    files: ['packages/**/*.ts', 'packages/**/*.tsx'],
    rules: restrict([
      { group: services.map((s) => `@hookline/${s}`), message: 'packages never import services' },
      { group: ['**/services/**'], message: 'packages never import services' },
    ]),
  },
  // Services never import each other; their domain code makes decisions and does no I/O.
  ...services.flatMap((service) => {
    const others = {
      group: services.filter((s) => s !== service).flatMap((s) => [`@hookline/${s}`, `**/${s}/src/**`]),
      message: 'services never import each other: meet in topics and tables',
    };
    const io = {
      group: ['pg', 'kafkajs', 'undici', 'express', 'node:http', 'node:https', 'node:net', 'node:fs', 'node:fs/promises', '@hookline/db', '@hookline/kafka'],
      message: 'domain code does no I/O: put it in an adapter',
    };
    return [
      { files: [`services/${service}/**/*.ts`], rules: restrict([others]) },
      { files: [`services/${service}/src/domain/**/*.ts`], ignores: ['**/*.test.ts'], rules: restrict([others, io]) },
    ];
  }),
  {
    files: ['services/*/src/domain/**/*.ts'],
    rules: { 'no-restricted-globals': ['error', { name: 'fetch', message: 'domain code does no I/O' }], 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'config is read in main.ts only' }] },
  },
  // Configuration is read in one place.
  {
    files: ['services/*/src/**/*.ts', 'packages/*/src/**/*.ts'],
    ignores: ['**/main.ts', 'packages/config/**', 'packages/db/src/migrate-cli.ts', 'packages/testing/**', '**/*.test.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read configuration through @hookline/config in main.ts' }] },
  },
);
