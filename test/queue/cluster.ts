/**
 * n8n in queue mode: the environment every process shares (Postgres, Redis/Bull), `n8n worker`
 * processes, and a QueueCluster that starts the services and a main with its workers. A worker is
 * an N8nInstance of its own (own N8N_USER_FOLDER, own task-broker port, own npm cache, like a
 * worker on another machine); only the command differs, so the main's `start()` and the CLI
 * imports come from the harness unchanged. Our package is unpacked into every user folder's
 * `.n8n/nodes` as users install it by hand, or into none (`withPackage: false`) for a test that
 * installs it through n8n's Community Nodes installer.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort, N8nInstance, packPackage } from '../../scripts/lib/n8n';
import { ensureServerPackages, startPostgres, startRedis, type RunningPostgres, type RunningRedis } from './services';

const READY_TIMEOUT_MS = Number(process.env.N8N_E2E_BOOT_TIMEOUT_MS ?? 180_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `promise` at most `ms` (the timer is cleared either way). */
async function atMost(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([promise, new Promise((r) => (timer = setTimeout(r, ms)))]);
	clearTimeout(timer);
}

export interface QueueTimings {
	/** Bull job lock: a worker that stops renewing it (killed) loses its jobs after this long */
	lockDurationMs: number;
	lockRenewMs: number;
	/** how often workers look for jobs whose lock expired */
	stalledIntervalMs: number;
}

/**
 * What every process of the cluster needs, CLI imports included (the harness adds the shared
 * N8N_ENCRYPTION_KEY and a broker port per process): the shared database, queue mode and the
 * Redis behind Bull. The Bull lock and stalled-check settings are n8n's defaults (60 s / 30 s)
 * unless `timings` shortens them.
 */
export function queueEnv(pg: RunningPostgres, redis: RunningRedis, timings?: QueueTimings): Record<string, string> {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		...(timings
			? {
					QUEUE_WORKER_LOCK_DURATION: String(timings.lockDurationMs),
					QUEUE_WORKER_LOCK_RENEW_TIME: String(timings.lockRenewMs),
					QUEUE_WORKER_STALLED_INTERVAL: String(timings.stalledIntervalMs),
				}
			: {}),
	};
}

/** Extra environment of the main: manual runs from the editor go to the workers too. */
export const MAIN_ENV = { OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' };

/** One `n8n worker` process (restartable) on an instance of its own. */
export class QueueWorker {
	pid?: number;
	healthPort?: number;
	/** resolves with the exit code/signal of the current process */
	exited?: Promise<string>;
	private exitedWith?: string;
	/** byte offset in the log where the current process started writing */
	private logStart = 0;

	constructor(
		readonly name: string,
		readonly instance: N8nInstance,
		readonly concurrency: number,
	) {}

	get logFile(): string {
		return this.instance.logFile;
	}

	/** `n8n worker --concurrency=N`; resolves once its health endpoint says it is ready. */
	async start(): Promise<{ bootMs: number }> {
		if (this.pid && !this.exitedWith) throw new Error(`${this.name} already running`);
		const started = Date.now();
		this.healthPort = await freePort();
		const env = {
			...this.instance.env(await freePort(), await freePort()),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(this.healthPort),
			// the worker's health server listens here (2.x); loopback only
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		};
		fs.appendFileSync(this.logFile, `\n=== n8n worker ${this.name} ===\n`);
		this.logStart = fs.statSync(this.logFile).size;
		const out = fs.openSync(this.logFile, 'a');
		const child = spawn(
			this.instance.install.nodeBinary,
			[this.instance.install.n8nBin, 'worker', `--concurrency=${this.concurrency}`],
			{ cwd: this.instance.userFolder, env, stdio: ['ignore', out, out], detached: true },
		);
		fs.closeSync(out);
		this.pid = child.pid!;
		this.exitedWith = undefined;
		this.exited = new Promise((resolve) =>
			child.on('exit', (code, signal) => {
				this.exitedWith = signal ?? `exit ${code}`;
				resolve(this.exitedWith);
			}),
		);
		const deadline = started + READY_TIMEOUT_MS;
		for (;;) {
			if (this.exitedWith) throw new Error(`${this.name} exited during boot (${this.exitedWith}):\n${this.instance.logTail()}`);
			if (Date.now() > deadline) {
				await this.kill();
				throw new Error(`${this.name} not ready after ${READY_TIMEOUT_MS} ms:\n${this.instance.logTail()}`);
			}
			try {
				const res = await fetch(`http://127.0.0.1:${this.healthPort}/healthz/readiness`, {
					signal: AbortSignal.timeout(2000),
				});
				if (res.status === 200) break;
			} catch {
				/* not listening yet */
			}
			await sleep(250);
		}
		return { bootMs: Date.now() - started };
	}

	get running(): boolean {
		return this.pid !== undefined && this.exitedWith === undefined;
	}

	/** SIGTERM to the worker process only (what `kill <pid>` or an orchestrator sends). */
	terminate(): void {
		if (this.pid) process.kill(this.pid, 'SIGTERM');
	}

	/** SIGKILL to the worker's whole process group (task runners included): a crash. */
	async kill(): Promise<void> {
		const pid = this.pid;
		if (!pid) return;
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			/* gone */
		}
		await atMost(this.exited, 10_000);
	}

	/** Stops it if running: SIGTERM, then SIGKILL of the group after `graceMs`. */
	async stop(graceMs = 15_000): Promise<void> {
		const pid = this.pid;
		if (!pid) return;
		if (this.running) {
			this.terminate();
			await atMost(this.exited, graceMs);
		}
		try {
			process.kill(-pid, 'SIGKILL'); // leftovers (task runners)
		} catch {
			/* gone */
		}
	}

	/** What the current (or last) process logged. */
	log(): string {
		return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8').slice(this.logStart) : '';
	}

	/** Execution ids this worker logged "Worker started execution <id>" for, in order (all its processes). */
	startedExecutions(all = true): string[] {
		const text = all ? this.instance.logText() : this.log();
		return [...text.matchAll(/Worker started execution (\d+) \(job /g)].map((m) => m[1]);
	}
}

export interface QueueClusterOptions {
	version: string;
	workerNames: string[];
	concurrency: number;
	timings?: QueueTimings;
	/** our package packed and unpacked into every process's nodes folder (default), or none */
	withPackage?: boolean;
	/** extra environment of every process (the main's and the workers') */
	env?: Record<string, string>;
}

/** Postgres, Redis, one main and its workers (created, not started: CLI imports may come first). */
export class QueueCluster {
	private constructor(
		readonly pg: RunningPostgres,
		readonly redis: RunningRedis,
		readonly main: N8nInstance,
		readonly workers: QueueWorker[],
		/** temp folder of the cluster: the packed package, each process's npm cache */
		private readonly dir: string,
	) {}

	static async create(opts: QueueClusterOptions): Promise<QueueCluster> {
		const bins = ensureServerPackages();
		const [pgStarted, redisStarted] = await Promise.allSettled([startPostgres(bins.postgresBin), startRedis(bins.redisServer)]);
		if (pgStarted.status === 'rejected' || redisStarted.status === 'rejected') {
			await Promise.allSettled([pgStarted, redisStarted].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
			throw pgStarted.status === 'rejected' ? pgStarted.reason : (redisStarted as PromiseRejectedResult).reason;
		}
		const [pg, redis] = [pgStarted.value, redisStarted.value];
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-cluster-'));
		const created: N8nInstance[] = [];
		try {
			const tarball = opts.withPackage === false ? false : packPackage(path.join(dir, 'pack'));
			const env = { ...queueEnv(pg, redis, opts.timings), ...opts.env };
			// each process runs npm (the installer) with a cache of its own, as on separate machines
			const instance = async (name: string, extra: Record<string, string> = {}) => {
				const inst = await N8nInstance.create({
					version: opts.version,
					tarball,
					logLevel: 'info',
					env: { ...env, ...extra, npm_config_cache: path.join(dir, 'npm-cache', name) },
				});
				created.push(inst);
				return inst;
			};
			const main = await instance('main', MAIN_ENV);
			const workers: QueueWorker[] = [];
			for (const name of opts.workerNames) workers.push(new QueueWorker(name, await instance(name), opts.concurrency));
			return new QueueCluster(pg, redis, main, workers, dir);
		} catch (error) {
			await Promise.allSettled(created.map((i) => i.dispose()));
			await Promise.allSettled([redis.stop(), pg.stop()]);
			fs.rmSync(dir, { recursive: true, force: true });
			throw error;
		}
	}

	/** Starts the main, then the workers; boot times in ms. */
	async start(): Promise<{ mainBoot: number; workersBoot: number }> {
		let t = Date.now();
		await this.main.start();
		const mainBoot = Date.now() - t;
		t = Date.now();
		await Promise.all(this.workers.map((w) => w.start()));
		return { mainBoot, workersBoot: Date.now() - t };
	}

	/** Whether the main logged enqueueing this execution, and which workers logged starting it. */
	ranOn(executionId: string): { enqueuedByMain: boolean; startedBy: string[] } {
		return {
			enqueuedByMain: this.main.logText().includes(`Enqueued execution ${executionId} (job `),
			startedBy: this.workers.filter((w) => w.startedExecutions().includes(executionId)).map((w) => w.name),
		};
	}

	/** The main ran no execution itself. */
	mainStartedNone(): boolean {
		return !/Worker started execution/.test(this.main.logText());
	}

	/** Stops every process and service; removes the temp folders (user folders kept when N8N_E2E_KEEP=1). */
	async stop(): Promise<void> {
		await Promise.allSettled(this.workers.map((w) => w.stop()));
		await Promise.allSettled([this.main, ...this.workers.map((w) => w.instance)].map((i) => i.dispose()));
		await Promise.allSettled([this.redis.stop(), this.pg.stop()]);
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}
