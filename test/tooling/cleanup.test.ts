/**
 * Found by the adversarial pass of issue 18, each run in a temp copy of the repository:
 * `official-checks.ts scan` (npm run test:official) with its local registry.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { cleanEnv, ensureOfficialTools, REPO_ROOT } from '../../scripts/lib/n8n';

const MINUTES = 60_000;
let work: string;
let ensureOfficialToolsDir: string;

/** A copy of the repository (tracked files) with node_modules linked in. */
function repoCopy(name: string): string {
	const dir = path.join(work, name);
	const files = spawnSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
	for (const file of files) {
		if (!fs.existsSync(path.join(REPO_ROOT, file))) continue;
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
	}
	fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
	return dir;
}

const tsNode = () => require.resolve('ts-node/dist/bin.js');

beforeAll(async () => {
	ensureOfficialToolsDir = (await ensureOfficialTools()).dir;
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'adv-tooling-'));
}, 15 * MINUTES);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** pids of processes running in a folder under `dir` (verdaccio runs in its registry folder and retitles itself) */
function verdaccios(dir: string): number[] {
	return fs
		.readdirSync('/proc')
		.filter((entry) => /^\d+$/.test(entry))
		.filter((pid) => {
			try {
				return fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(path.join(dir, 'mspc-oem-registry-'));
			} catch {
				return false;
			}
		})
		.map(Number);
}

/** running (not a zombie) */
const alive = (pid: number) => {
	try {
		return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
};

describe('official-checks.ts scan (npm run test:official) and its local registry', () => {
	it('Ctrl-C during the scan leaves no verdaccio running and no registry folder (with its npm token) behind', async () => {
		const copy = repoCopy('scan');
		const tmp = path.join(work, 'tmp');
		fs.mkdirSync(tmp);
		// Ctrl-C: the terminal signals the foreground process group, i.e. the script (not the
		// detached verdaccio); the script is started as its own group to stand for that group.
		const child = spawn(process.execPath, [tsNode(), '--transpile-only', 'scripts/official-checks.ts', 'scan'], {
			cwd: copy,
			env: { ...cleanEnv(), TMPDIR: tmp },
			stdio: 'ignore',
			detached: true,
		});
		const exited = new Promise((resolve) => child.on('exit', resolve));
		let found: number[] = [];
		const deadline = Date.now() + 3 * MINUTES;
		// until verdaccio runs and the publishing user's token is written (the build runs next)
		const tokenWritten = () =>
			fs.readdirSync(tmp).some((f) => f.startsWith('mspc-oem-registry-') && fs.existsSync(path.join(tmp, f, 'npmrc')));
		while (Date.now() < deadline && (found.length === 0 || !tokenWritten())) {
			await new Promise((r) => setTimeout(r, 100));
			found = verdaccios(tmp);
		}
		expect(found.length).toBeGreaterThan(0);
		process.kill(-child.pid!, 'SIGINT');
		await exited;
		await new Promise((r) => setTimeout(r, 3000));
		const left = found.filter(alive);
		const folders = fs.readdirSync(tmp).filter((f) => f.startsWith('mspc-oem-registry-'));
		const tokens = folders.filter((f) => fs.existsSync(path.join(tmp, f, 'npmrc')));
		for (const pid of left) process.kill(pid, 'SIGKILL');
		expect({ verdaccioLeftRunning: left, registryFoldersLeft: folders, npmTokenFilesLeft: tokens }).toEqual({
			verdaccioLeftRunning: [],
			registryFoldersLeft: [],
			npmTokenFilesLeft: [],
		});
	}, 6 * MINUTES);
});

describe('official-checks.ts scan: nothing outside its temp folders', () => {
	it("scanning the locally published package writes nothing into the user's npm cache (~/.npm)", () => {
		const copy = repoCopy('scan-home');
		const home = path.join(work, 'home');
		fs.mkdirSync(home);
		const tools = path.dirname(ensureOfficialToolsDir);
		fs.mkdirSync(path.join(work, 'tmp-home'));
		const res = spawnSync(process.execPath, [tsNode(), '--transpile-only', 'scripts/official-checks.ts', 'scan'], {
			cwd: copy,
			// a fresh home stands for the user's; the n8n cache folder stays where it is
			env: Object.fromEntries(
				Object.entries({ ...cleanEnv(), HOME: home, N8N_E2E_CACHE: tools, TMPDIR: path.join(work, 'tmp-home') })
					// npx/npm run point npm_config_cache at the user's cache too; the fresh home decides here
					.filter(([key]) => !/^npm_config_cache$/i.test(key)),
			),
			encoding: 'utf8',
			timeout: 5 * MINUTES,
		});
		expect(res.status).toBe(0);
		const index = path.join(home, '.npm', '_cacache', 'index-v5');
		const entries = fs.existsSync(index)
			? spawnSync('grep', ['-rhoE', 'make-fetch-happen:request-cache:[^"]+', index], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)
			: [];
		// now: the packument and tarball of n8n-nodes-mspc-oem from the throw-away registry (scan's `npm pack <spec>`)
		expect(entries).toEqual([]);
	}, 6 * MINUTES);
});
