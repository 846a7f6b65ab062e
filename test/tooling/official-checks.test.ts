/**
 * n8n's own checks (scripts/official-checks.ts) fail loudly on a bad package, and the
 * prepublishOnly guard stops an `npm publish` run outside the release flow.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { cleanEnv, ensureOfficialTools, npmCli, PACKAGE_NAME, packPackage, REPO_ROOT } from '../../scripts/lib/n8n';
import { runNpm, startLocalRegistry, type LocalRegistry } from '../../scripts/lib/registry';

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
let registry: LocalRegistry | undefined;

beforeAll(async () => {
	await ensureOfficialTools();
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'official-checks-test-'));
}, 15 * MINUTES);

afterAll(async () => {
	await registry?.stop();
	fs.rmSync(work, { recursive: true, force: true });
});

/**
 * The built package, unpacked, changed by `edit` and published as `version` to a local registry
 * with `npm publish` (RELEASE_MODE=true: the release flow's pass through the guard).
 */
async function publishBad(version: string, edit: (dir: string) => void): Promise<LocalRegistry> {
	const tarball = packPackage(path.join(work, 'packed'));
	const dir = path.join(work, 'bad');
	fs.mkdirSync(dir);
	expect(spawnSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']).status).toBe(0);
	const pkgFile = path.join(dir, 'package.json');
	fs.writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, 'utf8')), version }, null, 2));
	edit(dir);
	registry = await startLocalRegistry({ uplink: false });
	runNpm(['publish', '--access', 'public'], { cwd: dir, env: { ...registry.npmEnv(), RELEASE_MODE: 'true' } });
	return registry;
}

describe('@n8n/scan-community-package on the package as published', () => {
	it('passes the package as built (npm run test:official: published to a local registry, scanned by name)', () => {
		const { status, output } = officialChecks('scan');
		expect(output).toContain(`on ${PACKAGE_NAME}@`);
		expect(output).toContain('passed: source');
		expect(output).toContain('passed: published package');
		expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
	}, 5 * MINUTES);

	it('fails, naming the rules, on a published package reading process.env and declaring a runtime dependency', async () => {
		const local = await publishBad('0.0.1', (dir) => {
			fs.appendFileSync(path.join(dir, 'dist/nodes/OemIntegration/OemIntegration.node.js'), '\nexports.home = process.env.HOME;\n');
			const pkgFile = path.join(dir, 'package.json');
			const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
			fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, dependencies: { lodash: '4.17.21' } }, null, 2));
		});
		const { status, output } = officialChecks('scan', '--registry', local.url, `${PACKAGE_NAME}@0.0.1`);
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
		fs.appendFileSync(path.join(copy, 'nodes/MspcOemTrigger/state/codec.ts'), '\nexport const tick = () => setTimeout(() => undefined, 1);\n');
		const { status, output } = officialChecks('lint', '--dir', copy);
		expect(output).toContain('@n8n/community-nodes/no-restricted-globals');
		expect(output).toContain(path.join(copy, 'nodes/MspcOemTrigger/state/codec.ts'));
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
