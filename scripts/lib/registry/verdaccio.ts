/**
 * A real npm registry for the tests: verdaccio (a pinned devDependency) on loopback, with its
 * storage, config, htpasswd and log in a temp folder, and the machine's registry as its uplink
 * for every package but ours. A user is created through the registry's own login endpoint (what
 * `npm adduser` calls); its token sits in a userconfig file inside the temp folder, so no npm
 * setting outside that folder is read for publishing or changed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { PACKAGE_NAME, REPO_ROOT } from '../n8n/package';
import { freePort, groupAlive, killGroup, sleep, track, untrack } from '../n8n/processes';
import { machineCaFile, machineRegistry, withoutNpmSettings } from './npm';

const BOOT_TIMEOUT_MS = 60_000;

export interface LocalRegistry {
	/** http://127.0.0.1:<port>/ (trailing slash, as npm writes registries) */
	url: string;
	/** the temp folder holding config, storage, htpasswd, userconfig and log */
	dir: string;
	/** npm userconfig with `registry=` this registry and the publishing user's token */
	userconfig: string;
	/** verdaccio's output */
	logFile: string;
	/** the registry verdaccio fetches other packages from (the machine's), or undefined */
	uplink?: string;
	/** environment for an npm command that should use this registry as the publishing user */
	npmEnv(): NodeJS.ProcessEnv;
	/** stops verdaccio and removes the temp folder (kept when N8N_E2E_KEEP=1) */
	stop(): Promise<void>;
}

export interface LocalRegistryOptions {
	/** registry for every other package: default the machine's (`npm config get registry`); false: none */
	uplink?: string | false;
}

function config(dir: string, port: number, uplink: string | undefined): string {
	const proxy = uplink ? '\n    proxy: upstream' : '';
	return `# written by scripts/lib/registry/verdaccio.ts for one test run
storage: ${JSON.stringify(path.join(dir, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}
${uplink ? `uplinks:\n  upstream:\n    url: ${JSON.stringify(uplink)}\n    timeout: 30s\n` : ''}packages:
  ${JSON.stringify(PACKAGE_NAME)}:
    access: $all
    publish: $authenticated
    unpublish: $authenticated
  '**':
    access: $all
    publish: $authenticated${proxy}
listen: 127.0.0.1:${port}
server:
  keepAliveTimeout: 60
web:
  enable: false
log: { type: stdout, format: json, level: warn }
`;
}

async function ping(url: string): Promise<boolean> {
	try {
		const res = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2000) });
		return res.status === 200;
	} catch {
		return false;
	}
}

/** Creates a user through the registry's CouchDB-style login endpoint (as `npm adduser` does); returns its token. */
async function addUser(url: string): Promise<string> {
	const name = 'e2e-publisher';
	const password = randomBytes(12).toString('hex');
	const res = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: 'user', roles: [] }),
		signal: AbortSignal.timeout(10_000),
	});
	const body = (await res.json()) as { token?: string };
	if (res.status !== 201 || !body.token) throw new Error(`creating the registry user failed: ${res.status}`);
	return body.token;
}

export async function startLocalRegistry(opts: LocalRegistryOptions = {}): Promise<LocalRegistry> {
	const uplink = opts.uplink === false ? undefined : (opts.uplink ?? machineRegistry());
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mspc-oem-registry-'));
	const port = await freePort();
	const url = `http://127.0.0.1:${port}/`;
	const configFile = path.join(dir, 'config.yaml');
	fs.writeFileSync(configFile, config(dir, port, uplink));
	const logFile = path.join(dir, 'verdaccio.log');
	const out = fs.openSync(logFile, 'a');
	const caFile = uplink ? machineCaFile() : undefined;
	const child = spawn(
		process.execPath,
		[require.resolve('verdaccio/bin/verdaccio', { paths: [REPO_ROOT] }), '--config', configFile],
		{
			cwd: dir,
			// the uplink is reached with the CAs the machine's npm trusts
			env: { ...withoutNpmSettings(), ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}) },
			stdio: ['ignore', out, out],
			detached: true,
		},
	);
	fs.closeSync(out);
	const pid = child.pid!;
	track(pid);
	let exited: string | undefined;
	child.on('exit', (code, signal) => (exited = signal ?? `exit ${code}`));

	const stop = async () => {
		killGroup(pid, 'SIGTERM');
		for (let i = 0; i < 50 && groupAlive(pid); i++) await sleep(100);
		if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
		untrack(pid);
		if (process.env.N8N_E2E_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
	};

	try {
		const deadline = Date.now() + BOOT_TIMEOUT_MS;
		while (!(await ping(url))) {
			if (exited) throw new Error(`verdaccio exited (${exited}): ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
			if (Date.now() > deadline) throw new Error(`verdaccio not ready after ${BOOT_TIMEOUT_MS} ms; log: ${logFile}`);
			await sleep(200);
		}
		const token = await addUser(url);
		const userconfig = path.join(dir, 'npmrc');
		const hostPath = url.replace(/^https?:/, '');
		fs.writeFileSync(userconfig, `registry=${url}\n${hostPath}:_authToken=${token}\n`, { mode: 0o600 });
		return {
			url,
			dir,
			userconfig,
			logFile,
			uplink,
			npmEnv: () => ({
				...withoutNpmSettings(),
				npm_config_userconfig: userconfig,
				npm_config_registry: url,
				npm_config_cache: path.join(dir, 'npm-cache'),
				npm_config_update_notifier: 'false',
			}),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
