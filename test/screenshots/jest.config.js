/**
 * Screenshots of the node in n8n's editor (headless Chromium driven by playwright-core).
 * `npm run test:screenshots`; skipped when no Chromium is installed (CHROMIUM_PATH, default
 * /usr/bin/chromium). Writes docs/screenshots/*.png.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/screenshots'],
	testMatch: ['**/*.screenshots.ts'],
	transform: {
		'^.+\\.ts$': 'ts-jest',
	},
	maxWorkers: 1,
	testTimeout: 120000,
};
