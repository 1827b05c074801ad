// The scrape defaults of `metrics` (cluster and local), in a module of their own so that the
// toolkit's index and the CLI's usage text can name them without loading the metrics engine.

/** Time between the two scrapes rates and quantiles are computed from. */
export const DEFAULT_METRICS_INTERVAL_MS = 5_000;
/** How long one scrape through the API server may take. */
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;
