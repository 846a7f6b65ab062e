/**
 * End-to-end tests against a real n8n (run by scripts/lib/n8n; checks in harness.ts). Separate from the unit config, which
 * ignores this folder. Run with `npm run test:e2e`; N8N_E2E_VERSIONS picks the n8n versions.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': 'ts-jest',
	},
	// one n8n at a time: each boots a full server and the CI machine has 2 cores
	maxWorkers: 1,
	testTimeout: 180000,
};
