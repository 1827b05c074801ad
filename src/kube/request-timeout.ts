/**
 * How long one API request may take from connecting to the end of its answer. In a module of its
 * own so that the toolkit's index can export it without loading the HTTP client.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
