/** The queue suites' time limits (ms), shared by both suites so that they stay alike. */

/** Installing n8n into the shared cache the first time (a cold npm install of n8n). */
export const INSTALL_TIMEOUT_MS = 45 * 60_000;
/** Starting Postgres, Redis, the sandbox, the main and its workers. */
export const SETUP_TIMEOUT_MS = 8 * 60_000;
/** One test. */
export const TEST_TIMEOUT_MS = 4 * 60_000;
/** One HTTP request to n8n (a webhook call waits for its execution on a worker). */
export const REQUEST_TIMEOUT_MS = 120_000;
/** Stopping the cluster and the services after the suite. */
export const TEARDOWN_TIMEOUT_MS = 120_000;
