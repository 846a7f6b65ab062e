/** Progress lines on stderr, so that stdout carries only the report. */
export const progressLog = (prefix: string) => (message: string) => process.stderr.write(`[${prefix}] ${message}\n`);
