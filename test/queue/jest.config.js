/**
 * Queue-mode test: a real n8n main and workers on Postgres and Redis (see n8n-queue.queue.test.ts).
 * Separate from the unit config, which ignores this folder. Run with `npm run test:queue`;
 * N8N_QUEUE_VERSIONS picks the n8n versions.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.queue.test.ts'],
	transform: {
		'^.+\\.ts$': 'ts-jest',
	},
	// one cluster at a time: three n8n processes, Postgres and Redis on a 2-core CI machine
	maxWorkers: 1,
	testTimeout: 240000,
};
