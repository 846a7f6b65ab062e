import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { startSandbox } from '../../sandbox';
import { optionsFromArgs } from '../../sandbox/cli';
import { API } from './httpClient';

const ROOT = path.resolve(__dirname, '../..');
const children: ChildProcessWithoutNullStreams[] = [];

function cli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'sandbox/cli.ts', ...args], {
		cwd: ROOT,
		env: { ...process.env, ...env },
	});
	children.push(child);
	return child;
}

/** Collects stdout until `pattern` matches (or the process exits). */
function waitFor(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpMatchArray> {
	return new Promise((resolve, reject) => {
		let out = '';
		let err = '';
		const onData = (chunk: Buffer) => {
			out += chunk.toString();
			const m = out.match(pattern);
			if (m) {
				child.stdout.off('data', onData);
				resolve(m);
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', (c: Buffer) => (err += c.toString()));
		child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}: ${out}${err}`)));
	});
}

function exited(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
	return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function output(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
	child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
	const { code } = await exited(child);
	return { code, stdout, stderr };
}

afterEach(() => {
	for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const body = (extra: object = {}, clientSecret = 'sandbox-client-secret') =>
	JSON.stringify({ clientId: 'sandbox-client-id', clientSecret, grantType: 'client_credentials', scope: 'vendor_manage', ...extra });

describe('CLI', () => {
	it('prints URL, credentials and demo token, serves the API, stops on SIGTERM', async () => {
		const child = cli(['--port', '0', '--quiet']);
		const [, url] = await waitFor(child, /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*demo organizationOemToken: (\S+)\n/);
		const r = await fetch(`${url}${API}/vendor`, { method: 'POST', body: body() });
		expect(r.status).toBe(200);
		expect(((await r.json()) as { message: string }).message).toBe('Successfully fetched MSPC vendors');
		child.kill('SIGTERM');
		expect(await exited(child)).toEqual({ code: 0, signal: null });
	});

	it('stops on SIGINT too; --json and env credentials', async () => {
		const child = cli(['--port=0', '--json', '--quiet'], { MSPC_SANDBOX_CLIENT_SECRET: 'env-secret' });
		const [line] = await waitFor(child, /\{.*\}\n/);
		const info = JSON.parse(line);
		expect(info).toMatchObject({ clientId: 'sandbox-client-id', clientSecret: 'env-secret', scope: 'vendor_manage', demoOrganizationToken: 'demo-org-oem-token' });
		expect((await fetch(`${info.url}${API}/vendor`, { method: 'POST', body: body({}, 'env-secret') })).status).toBe(200);
		expect((await fetch(`${info.url}${API}/vendor`, { method: 'POST', body: body() })).status).toBe(401);
		child.kill('SIGINT');
		expect(await exited(child)).toEqual({ code: 0, signal: null });
	});

	it('--help prints the flags and exits 0; an unknown flag exits 2', async () => {
		const help = await output(cli(['--help']));
		expect(help.code).toBe(0);
		for (const flag of ['--port', '--state-file', '--seed-file', '--latency', '--error-rate', '--rate-limit', '--fault-phase', '/__admin/faults']) {
			expect(help.stdout).toContain(flag);
		}
		const bad = await output(cli(['--nope']));
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('unknown option --nope');
	});

	it('a SIGKILL right after an acknowledged create loses nothing', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oem-sandbox-cli-'));
		const stateFile = path.join(dir, 'state.json');
		try {
			const child = cli(['--port', '0', '--quiet', '--state-file', stateFile]);
			const [, url] = await waitFor(child, /listening on (http:\/\/\S+)/);
			const created = await fetch(`${url}${API}/organization`, {
				method: 'POST',
				body: body({ data: { name: 'Killed MSP', email: 'k@killed.example' } }),
			});
			expect(created.status).toBe(201);
			const { organizationOemToken } = (await created.json()) as { organizationOemToken: string };
			child.kill('SIGKILL');
			expect((await exited(child)).signal).toBe('SIGKILL');

			expect(fs.readdirSync(dir)).toEqual(['state.json']);
			expect(() => JSON.parse(fs.readFileSync(stateFile, 'utf8'))).not.toThrow();
			const again = await startSandbox({ stateFile });
			try {
				const list = await fetch(`${again.url}${API}/integration/list`, { method: 'POST', body: body({ organizationOemToken }) });
				expect(list.status).toBe(200);
			} finally {
				await again.stop();
			}
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('CLI flags', () => {
	it('map to sandbox options', () => {
		const o = optionsFromArgs(
			[
				'--port', '5680', '--latency', '20', '--jitter', '5', '--error-rate', '0.1', '--fault-phase', 'after',
				'--throttle-rate', '0.2', '--retry-after', '3', '--rate-limit', '100/60', '--random-seed', '7',
				'--max-logged-requests', '50', '--state-file', 'x.json', '--client-id', 'id', '--scope', 's',
			],
			{ MSPC_SANDBOX_CLIENT_SECRET: 'from-env' },
		);
		expect(o).toMatchObject({
			host: '127.0.0.1',
			port: 5680,
			clientId: 'id',
			clientSecret: 'from-env',
			scope: 's',
			stateFile: 'x.json',
			randomSeed: 7,
			maxLoggedRequests: 50,
			faults: {
				latencyMs: 20,
				jitterMs: 5,
				errorRate: 0.1,
				faultPhase: 'after',
				throttleRate: 0.2,
				retryAfterSeconds: 3,
				rateLimit: { requests: 100, windowSeconds: 60 },
			},
		});
		expect(optionsFromArgs(['--rate-limit', '5'], {})).toMatchObject({ faults: { rateLimit: { requests: 5, windowSeconds: 60 } } });
		expect(optionsFromArgs(['--help'], {})).toBe('help');
		expect(() => optionsFromArgs(['--latency', 'soon'], {})).toThrow('--latency must be a number');
		expect(() => optionsFromArgs(['--port'], {})).toThrow('--port needs a value');
		expect(() => optionsFromArgs(['--fault-phase', 'during'], {})).toThrow('--fault-phase');
	});
});
