/**
 * Postgres and Redis for the queue-mode test, from Debian's packages (`postgresql`,
 * `redis-server`), each started in a temp folder on a free loopback port and as its own system
 * user when we are root (Postgres refuses to run as root; Redis should not either). Nothing is
 * installed as a service and nothing listens beyond 127.0.0.1. stop() ends the process group and
 * removes the folder.
 *
 * When a binary is missing and we are root (CI on a fresh Debian machine), the two packages are
 * installed with apt-get first; as another user the error says what to install.
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort } from '../../scripts/lib/n8n';

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const APT_TIMEOUT_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		/* already gone */
	}
}

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------------------------------------
// binaries, and the Debian packages that provide them

/** The newest Postgres server binaries Debian installed (`/usr/lib/postgresql/<major>/bin`). */
export function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs
		.readdirSync(root)
		.filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(root, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin') : undefined;
}

export function redisServerBinary(): string | undefined {
	for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(path.delimiter)]) {
		const candidate = path.join(dir, 'redis-server');
		if (dir && fs.existsSync(candidate)) return candidate;
	}
	return undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Makes sure `postgres` and `redis-server` exist; as root, installs the Debian packages
 * `postgresql` and `redis-server` when one is missing (their postinst scripts may start system
 * services on the default ports; we never use those).
 */
export function ensureServerPackages(): { postgresBin: string; redisServer: string; installed: string[] } {
	const missing: string[] = [];
	if (!postgresBinDir()) missing.push('postgresql');
	if (!redisServerBinary()) missing.push('redis-server');
	if (missing.length) {
		if (!isRoot() || !fs.existsSync('/usr/bin/apt-get')) {
			throw new Error(
				`the queue-mode test needs Postgres and Redis; install the Debian packages: apt-get install ${missing.join(' ')}`,
			);
		}
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
			const res = spawnSync('apt-get', args, { env, encoding: 'utf8', timeout: APT_TIMEOUT_MS, killSignal: 'SIGKILL' });
			if (res.status !== 0) {
				throw new Error(`apt-get ${args.join(' ')} failed (${res.error?.message ?? `exit ${res.status}`}):\n${res.stderr}`);
			}
		}
	}
	const postgresBin = postgresBinDir();
	const redisServer = redisServerBinary();
	if (!postgresBin || !redisServer) throw new Error(`installed ${missing.join(', ')} but the binaries are still missing`);
	return { postgresBin, redisServer, installed: missing };
}

// ---------------------------------------------------------------------------------------------
// running as a service user

interface ServiceUser {
	uid: number;
	gid: number;
	name: string;
}

/** The system user to run as: `name` when we are root, else ourselves. */
function serviceUser(name: string): ServiceUser | undefined {
	if (!isRoot()) return undefined;
	const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
	const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
	if (uid.status !== 0 || gid.status !== 0) throw new Error(`system user "${name}" not found (the Debian package creates it)`);
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name };
}

/** spawn options that drop to the service user (Node calls setgroups/setgid/setuid for us). */
function asUser(user: ServiceUser | undefined, env: NodeJS.ProcessEnv = {}): SpawnOptions {
	const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: 'C.UTF-8', ...env };
	if (!user) return { env: base };
	return { uid: user.uid, gid: user.gid, env: { ...base, USER: user.name, HOME: '/tmp' } };
}

/** A temp folder the service user owns (mkdtemp makes it 0700 for us). */
function serviceDir(prefix: string, user: ServiceUser | undefined): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	if (user) fs.chownSync(dir, user.uid, user.gid);
	return dir;
}

function runAs(user: ServiceUser | undefined, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
	const res = spawnSync(cmd, args, {
		...asUser(user, opts.env),
		cwd: opts.cwd,
		encoding: 'utf8',
		timeout: START_TIMEOUT_MS,
		killSignal: 'SIGKILL',
		maxBuffer: 256 * 1024 * 1024,
	});
	if (res.status !== 0) {
		throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${res.error?.message ?? `exit ${res.status}`}):\n${res.stdout}\n${res.stderr}`);
	}
	return res.stdout as string;
}

/** A long-running server in its own process group, output into `logFile`. */
function startServer(user: ServiceUser | undefined, cmd: string, args: string[], cwd: string, logFile: string) {
	const out = fs.openSync(logFile, 'a');
	if (user) fs.fchownSync(out, user.uid, user.gid);
	const child = spawn(cmd, args, { ...asUser(user), cwd, stdio: ['ignore', out, out], detached: true });
	fs.closeSync(out);
	let exited: string | undefined;
	const exit = new Promise<string>((resolve) =>
		child.on('exit', (code, signal) => {
			exited = signal ?? `exit ${code}`;
			resolve(exited);
		}),
	);
	return { pid: child.pid!, exit, exitedWith: () => exited };
}

async function stopServer(pid: number, exit: Promise<string>, signal: NodeJS.Signals): Promise<void> {
	killGroup(pid, signal);
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([exit, new Promise((r) => (timer = setTimeout(r, STOP_GRACE_MS)))]);
	clearTimeout(timer);
	const deadline = Date.now() + STOP_GRACE_MS;
	while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
	if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
}

const tail = (file: string, lines = 30) =>
	fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';

// ---------------------------------------------------------------------------------------------
// Postgres

export interface RunningPostgres {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	/** runs SQL through psql (unaligned, tuples only) and returns its output */
	query(sql: string): string;
	/** rows of a SELECT as objects (the query is wrapped in json_agg) */
	rows<T = Record<string, unknown>>(sql: string): T[];
	stop(): Promise<void>;
}

export async function startPostgres(binDir: string): Promise<RunningPostgres> {
	const user = serviceUser('postgres');
	const dir = serviceDir('n8n-queue-pg-', user);
	const dataDir = path.join(dir, 'data');
	const logFile = path.join(dir, 'postgres.log');
	const database = 'n8n';
	const dbUser = 'n8n';
	const password = `pg-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
	const pwFile = path.join(dir, 'pw');
	fs.writeFileSync(pwFile, password, { mode: 0o600 });
	if (user) fs.chownSync(pwFile, user.uid, user.gid);
	let server: ReturnType<typeof startServer> | undefined;
	const cleanup = async () => {
		if (server) await stopServer(server.pid, server.exit, 'SIGINT'); // fast shutdown
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		// password auth over TCP (what n8n uses); the unix socket, in our folder, trusts its owner
		runAs(user, path.join(binDir, 'initdb'), [
			'-D', dataDir, '-U', dbUser, `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
			'-E', 'UTF8', '--locale=C', '--no-sync',
		]);
		fs.rmSync(pwFile);
		const port = await freePort();
		server = startServer(user, path.join(binDir, 'postgres'), [
			'-D', dataDir, '-p', String(port), '-k', dir,
			'-c', 'listen_addresses=127.0.0.1',
			// throw-away data: durability off
			'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
		], dir, logFile);
		const deadline = Date.now() + START_TIMEOUT_MS;
		for (;;) {
			const ready = spawnSync(path.join(binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { timeout: 5000 });
			if (ready.status === 0) break;
			if (server.exitedWith()) throw new Error(`postgres exited (${server.exitedWith()}):\n${tail(logFile)}`);
			if (Date.now() > deadline) throw new Error(`postgres not ready after ${START_TIMEOUT_MS} ms:\n${tail(logFile)}`);
			await sleep(200);
		}
		const psql = (db: string, sql: string) =>
			runAs(user, path.join(binDir, 'psql'), ['-h', dir, '-p', String(port), '-U', dbUser, '-d', db, '-v', 'ON_ERROR_STOP=1', '-XAtq', '-c', sql]);
		psql('postgres', `CREATE DATABASE ${database}`);
		const running = server;
		return {
			host: '127.0.0.1',
			port,
			database,
			user: dbUser,
			password,
			query: (sql) => psql(database, sql),
			rows: <T>(sql: string) => JSON.parse(psql(database, `SELECT coalesce(json_agg(t), '[]') FROM (${sql}) t`) || '[]') as T[],
			stop: async () => {
				await stopServer(running.pid, running.exit, 'SIGINT');
				fs.rmSync(dir, { recursive: true, force: true });
			},
		};
	} catch (error) {
		await cleanup();
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------
// Redis

export interface RunningRedis {
	host: string;
	port: number;
	stop(): Promise<void>;
}

/** PING over a raw socket; resolves true on +PONG. */
function redisPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(2000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			answer += d;
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

export async function startRedis(binary: string): Promise<RunningRedis> {
	const user = serviceUser('redis');
	const dir = serviceDir('n8n-queue-redis-', user);
	const logFile = path.join(dir, 'redis.log');
	const port = await freePort();
	const server = startServer(user, binary, [
		'--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes',
		'--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no',
	], dir, logFile);
	const stop = async () => {
		await stopServer(server.pid, server.exit, 'SIGTERM');
		fs.rmSync(dir, { recursive: true, force: true });
	};
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!(await redisPing(port))) {
		const failure = server.exitedWith()
			? `redis-server exited (${server.exitedWith()})`
			: Date.now() > deadline
				? `redis-server not ready after ${START_TIMEOUT_MS} ms`
				: undefined;
		if (failure) {
			const log = tail(logFile);
			await stop();
			throw new Error(`${failure}:\n${log}`);
		}
		await sleep(100);
	}
	return { host: '127.0.0.1', port, stop };
}
