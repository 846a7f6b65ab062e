/**
 * The README names the n8n versions the package is tested on: they must be the ones the install
 * script and the end-to-end suite use (scripts/lib/n8n/versions.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { NODE24_VERSIONS, SUPPORTED_N8N_VERSIONS } from '../../scripts/lib/n8n/versions';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The rows of the table under "## Compatibility": [n8n, Node.js]. */
function compatibilityTable(): string[][] {
	const section = README.split(/^## /m).find((s) => s.startsWith('Compatibility'));
	if (!section) throw new Error('README has no "## Compatibility" section');
	return section
		.split('\n')
		.filter((line) => /^\|\s*\d/.test(line))
		.map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

test('the Compatibility table lists exactly the supported n8n versions, in order', () => {
	expect(compatibilityTable().map(([n8n]) => n8n)).toEqual([...SUPPORTED_N8N_VERSIONS]);
});

test('the Compatibility table gives the Node.js each version runs on', () => {
	for (const [n8n, node] of compatibilityTable()) expect([n8n, node]).toEqual([n8n, NODE24_VERSIONS[n8n] ?? '20']);
});

test('every n8n version the README names is a supported one', () => {
	const named = [
		...[...README.matchAll(/\bn8n (\d+\.\d+\.\d+)\b/g)].map((m) => m[1]),
		...[...README.matchAll(/N8N_E2E_VERSIONS=([\d.,]+)/g)].flatMap((m) => m[1].split(',').filter(Boolean)),
	];
	expect(named.length).toBeGreaterThan(0);
	expect(named.filter((version) => !SUPPORTED_N8N_VERSIONS.includes(version))).toEqual([]);
});
