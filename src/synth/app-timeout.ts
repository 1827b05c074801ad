/**
 * How long the app command may run before it is stopped with everything it started (run-app.ts).
 * A module of its own so that the toolkit's index can export it without loading run-app.ts (and
 * node:child_process) for commands that run no app.
 */
export const DEFAULT_APP_TIMEOUT_MS = 120_000;
