// Command line entry: `npm run sandbox -- [flags]`. Runs the sandbox until SIGINT/SIGTERM.
import { FaultConfigError } from './faults';
import { loadSeedFile, SeedError } from './seed';
import { startSandbox, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SCOPE, type SandboxOptions } from './server';
import type { FaultConfig } from './types';

const USAGE = `MSPC OEM API sandbox: a local, stateful stand-in for the OEM API.

Usage: npm run sandbox -- [options]

  --host <addr>             interface to listen on (default 127.0.0.1; env MSPC_SANDBOX_HOST)
  --port <n>                port, 0 = any free port (default 5680; env MSPC_SANDBOX_PORT)
  --client-id <s>           expected clientId (env MSPC_SANDBOX_CLIENT_ID, default ${DEFAULT_CLIENT_ID})
  --client-secret <s>       expected clientSecret (env MSPC_SANDBOX_CLIENT_SECRET, default ${DEFAULT_CLIENT_SECRET})
  --scope <s>               expected scope (env MSPC_SANDBOX_SCOPE, default ${DEFAULT_SCOPE})
  --seed-file <file>        JSON {vendors:[...], organizations:[...]} to start from (env MSPC_SANDBOX_SEED_FILE)
  --state-file <file>       persist state to this JSON file, loaded on start (env MSPC_SANDBOX_STATE_FILE)
  --latency <ms>            added delay before every API answer
  --jitter <ms>             extra random delay in [0, ms)
  --error-rate <0..1>       share of API requests answered 500/502/503/504
  --fault-phase <p>         before (request not processed, default) | after (processed, answer lost)
  --throttle-rate <0..1>    share of API requests answered 429
  --retry-after <s>         Retry-After seconds of those 429s (default 1)
  --rate-limit <n>[/<s>][/fixed]  real limit: n requests per s seconds (default 60) per client
                            address, a sliding window (or fixed: per window of the clock)
  --random-seed <n>         seed of the fault RNG (runs with the same seed repeat)
  --max-logged-requests <n> cap of the in-memory request log (default 10000)
  --quiet                   no per-request log lines
  --json                    print the start-up details as one JSON line instead of text
  --help                    this text

Admin routes (loopback clients under a loopback Host only): GET/PUT /__admin/faults,
POST /__admin/faults/next, GET /__admin/state, POST /__admin/reset, GET/DELETE /__admin/requests,
POST /__admin/vendors, PATCH/DELETE /__admin/vendors/:id, POST /__admin/integrations,
DELETE /__admin/integrations/:id. Requests with an Origin header (web pages) are refused.
`;

class UsageError extends Error {}

const FLAGS_WITH_VALUE = new Set([
	'host', 'port', 'client-id', 'client-secret', 'scope', 'seed-file', 'state-file', 'latency', 'jitter',
	'error-rate', 'fault-phase', 'throttle-rate', 'retry-after', 'rate-limit', 'random-seed', 'max-logged-requests',
]);
const BOOLEAN_FLAGS = new Set(['quiet', 'json', 'help']);

function parseArgs(argv: string[]): Map<string, string | true> {
	const out = new Map<string, string | true>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
		const eq = arg.indexOf('=');
		const name = arg.slice(2, eq >= 0 ? eq : undefined);
		if (BOOLEAN_FLAGS.has(name) && eq < 0) out.set(name, true);
		else if (FLAGS_WITH_VALUE.has(name)) {
			const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
			if (value === undefined) throw new UsageError(`--${name} needs a value`);
			out.set(name, value);
		} else throw new UsageError(`unknown option --${name}`);
	}
	return out;
}

function number(value: string, flag: string): number {
	const n = Number(value);
	if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number`);
	return n;
}

export function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv): (SandboxOptions & { json: boolean }) | 'help' {
	const args = parseArgs(argv);
	if (args.has('help')) return 'help';
	const get = (flag: string, envName?: string): string | undefined => {
		const v = args.get(flag);
		return typeof v === 'string' ? v : envName ? env[envName] : undefined;
	};
	const faults: Partial<FaultConfig> = {};
	const latency = get('latency');
	if (latency !== undefined) faults.latencyMs = number(latency, 'latency');
	const jitter = get('jitter');
	if (jitter !== undefined) faults.jitterMs = number(jitter, 'jitter');
	const errorRate = get('error-rate');
	if (errorRate !== undefined) faults.errorRate = number(errorRate, 'error-rate');
	const phase = get('fault-phase');
	if (phase !== undefined) {
		if (phase !== 'before' && phase !== 'after') throw new UsageError('--fault-phase must be before or after');
		faults.faultPhase = phase;
	}
	const throttle = get('throttle-rate');
	if (throttle !== undefined) faults.throttleRate = number(throttle, 'throttle-rate');
	const retryAfter = get('retry-after');
	if (retryAfter !== undefined) faults.retryAfterSeconds = number(retryAfter, 'retry-after');
	const rateLimit = get('rate-limit');
	if (rateLimit !== undefined) {
		const [requests, windowSeconds = '60', kind] = rateLimit.split('/');
		faults.rateLimit = { requests: number(requests, 'rate-limit'), windowSeconds: number(windowSeconds, 'rate-limit'), ...(kind === 'fixed' ? { fixed: true } : {}) };
	}
	const seedFile = get('seed-file', 'MSPC_SANDBOX_SEED_FILE');
	const randomSeed = get('random-seed');
	const maxLogged = get('max-logged-requests');
	return {
		host: get('host', 'MSPC_SANDBOX_HOST') ?? '127.0.0.1',
		port: number(get('port', 'MSPC_SANDBOX_PORT') ?? '5680', 'port'),
		clientId: get('client-id', 'MSPC_SANDBOX_CLIENT_ID') ?? DEFAULT_CLIENT_ID,
		clientSecret: get('client-secret', 'MSPC_SANDBOX_CLIENT_SECRET') ?? DEFAULT_CLIENT_SECRET,
		scope: get('scope', 'MSPC_SANDBOX_SCOPE') ?? DEFAULT_SCOPE,
		seed: seedFile ? loadSeedFile(seedFile) : undefined,
		stateFile: get('state-file', 'MSPC_SANDBOX_STATE_FILE'),
		faults,
		randomSeed: randomSeed === undefined ? undefined : number(randomSeed, 'random-seed'),
		maxLoggedRequests: maxLogged === undefined ? undefined : number(maxLogged, 'max-logged-requests'),
		quiet: args.has('quiet'),
		json: args.has('json'),
	};
}

async function main(): Promise<void> {
	let options: ReturnType<typeof optionsFromArgs>;
	try {
		options = optionsFromArgs(process.argv.slice(2), process.env);
	} catch (error) {
		if (error instanceof UsageError || error instanceof SeedError) {
			process.stderr.write(`sandbox: ${error.message}\n\n${USAGE}`);
			process.exit(2);
		}
		throw error;
	}
	if (options === 'help') {
		process.stdout.write(USAGE);
		return;
	}
	const sandbox = await startSandbox(options);
	const { clientId, clientSecret, scope } = sandbox.credentials;
	if (options.json) {
		process.stdout.write(
			`${JSON.stringify({ url: sandbox.url, port: sandbox.port, clientId, clientSecret, scope, demoOrganizationToken: sandbox.demoOrganizationToken })}\n`,
		);
	} else {
		process.stdout.write(
			[
				`MSPC OEM API sandbox listening on ${sandbox.url}`,
				`  base URL:                  ${sandbox.url}`,
				`  clientId:                  ${clientId}`,
				`  clientSecret:              ${clientSecret}`,
				`  grantType:                 client_credentials`,
				`  scope:                     ${scope}`,
				`  demo organizationOemToken: ${sandbox.demoOrganizationToken}`,
				options.stateFile ? `  state file:                ${options.stateFile}` : '  state:                     in memory only',
				'Press Ctrl+C to stop.',
				'',
			].join('\n'),
		);
	}
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		if (!options.json) process.stdout.write(`\n${signal}: stopping sandbox\n`);
		sandbox.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main().catch((error: unknown) => {
		const message = error instanceof FaultConfigError || error instanceof Error ? error.message : String(error);
		process.stderr.write(`sandbox: ${message}\n`);
		process.exit(1);
	});
}
