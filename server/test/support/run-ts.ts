import { fileURLToPath } from 'node:url';

/**
 * The repository's TypeScript launcher (scripts/run-ts.mjs): `spawn(process.execPath, [RUN_TS, file, …args])`
 * runs `file` in one child process, with no Node flags, as the npm scripts do.
 */
export const RUN_TS = fileURLToPath(new URL('../../../scripts/run-ts.mjs', import.meta.url));
