/**
 * n8n's own checks against deliberately bad packages, and the publish guard: minutes of real
 * tool runs (n8n-node lint, the community scanner, a local registry), so apart from the unit
 * config, which ignores this folder. Run by `npm run test:official`.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/tooling'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': 'ts-jest',
	},
	maxWorkers: 1,
	testTimeout: 600000,
};
