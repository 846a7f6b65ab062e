/**
 * n8n's own checks (scripts/official-checks.ts) fail loudly on a bad package, and the
 * prepublishOnly guard stops an `npm publish` run outside the release flow.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { cleanEnv, ensureOfficialTools, npmCli, packPackage, REPO_ROOT } from '../../scripts/lib/n8n';

const SCRIPT = path.join(REPO_ROOT, 'scripts', 'official-checks.ts');
const MINUTES = 60_000;

function officialChecks(...args: string[]) {
	const res = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', SCRIPT, ...args], {
		cwd: REPO_ROOT,
		env: cleanEnv(),
		encoding: 'utf8',
		timeout: 5 * MINUTES,
	});
	return { status: res.status, output: `${res.stdout}\n${res.stderr}` };
}

let work: string;
let goodTarball: string;

beforeAll(async () => {
	await ensureOfficialTools();
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'official-checks-test-'));
	goodTarball = packPackage(path.join(work, 'good'));
}, 15 * MINUTES);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The built package, unpacked, changed by `edit` and packed again with tar (as npm lays it out). */
function badTarball(edit: (dir: string) => void): string {
	const dir = path.join(work, 'bad');
	fs.mkdirSync(dir);
	expect(spawnSync('tar', ['-xzf', goodTarball, '-C', dir]).status).toBe(0);
	edit(path.join(dir, 'package'));
	const tarball = path.join(work, 'bad.tgz');
	expect(spawnSync('tar', ['-czf', tarball, '-C', dir, 'package']).status).toBe(0);
	return tarball;
}

describe('@n8n/scan-community-package on the packed package', () => {
	it('passes the package as built', () => {
		const { status, output } = officialChecks('scan', goodTarball);
		expect(output).toContain('passed: source');
		expect(output).toContain('passed: published package');
		expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
	}, 5 * MINUTES);

	it('fails, naming the rules, on a package reading process.env and declaring a runtime dependency', () => {
		const tarball = badTarball((dir) => {
			fs.appendFileSync(path.join(dir, 'dist/nodes/OemIntegration/OemIntegration.node.js'), '\nexports.home = process.env.HOME;\n');
			const pkgFile = path.join(dir, 'package.json');
			const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
			fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, dependencies: { lodash: '4.17.21' } }, null, 2));
		});
		const { status, output } = officialChecks('scan', tarball);
		expect(output).toContain('FAILED: published package');
		expect(output).toContain('@n8n/community-nodes/no-restricted-globals');
		expect(output).toContain('@n8n/community-nodes/no-runtime-dependencies');
		expect(status).toBe(1);
	}, 5 * MINUTES);
});

describe('n8n-node lint over the sources', () => {
	it('fails on a node source using setTimeout', () => {
		const copy = path.join(work, 'source');
		for (const entry of ['nodes', 'credentials', 'package.json', 'tsconfig.json']) {
			fs.cpSync(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
		}
		fs.appendFileSync(path.join(copy, 'nodes/OemIntegrationTrigger/state.ts'), '\nexport const tick = () => setTimeout(() => undefined, 1);\n');
		const { status, output } = officialChecks('lint', '--dir', copy);
		expect(output).toContain('@n8n/community-nodes/no-restricted-globals');
		expect(output).toContain(path.join(copy, 'nodes/OemIntegrationTrigger/state.ts'));
		expect(status).toBe(1);
	}, 5 * MINUTES);
});

describe('the prepublishOnly guard', () => {
	const publishDryRun = (env: NodeJS.ProcessEnv) =>
		spawnSync(process.execPath, [npmCli(), 'publish', '--dry-run'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 2 * MINUTES });

	it('stops npm publish outside the release flow, naming the command to use', () => {
		const res = publishDryRun(cleanEnv());
		expect(`${res.stdout}${res.stderr}`).toContain('npm run release');
		expect(res.status).not.toBe(0);
	}, 2 * MINUTES);

	it('lets the release flow (RELEASE_MODE=true) through', () => {
		const res = publishDryRun(cleanEnv({ RELEASE_MODE: 'true' }));
		expect(res.stderr).not.toContain('npm run release');
		expect(res.status).toBe(0);
	}, 2 * MINUTES);
});
