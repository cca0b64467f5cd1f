export { main } from './main.ts';
export { buildProgram } from './program.ts';
export { ExitCode } from './errors.ts';
