/**
 * `npm start`: the package inside a real n8n, wired to the local OEM API sandbox.
 *
 * Builds and packs the package, starts the sandbox (demo data), installs n8n once into the
 * cache, starts it with the package loaded, imports a ready credential ("MSPC OEM Sandbox") and
 * the example workflows, creates the owner account and prints the editor URL and login.
 * Ctrl-C stops n8n and the sandbox.
 *
 *   npm start -- [--n8n-version 2.8.4] [--port 5678] [--sandbox-port 5680] [--fresh]
 *                [--user-folder DIR] [--watch]
 *
 * The n8n user folder (and the sandbox state) persist between runs in the cache folder, so
 * workflows built in the editor survive a restart; --fresh starts from scratch. --watch
 * (`npm run dev`) rebuilds on every source change and hands the build to n8n (lib/n8n/dev.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSandbox, type RunningSandbox } from '../sandbox';
import {
	CREDENTIAL_TYPE,
	DEMO_OWNER,
	N8nInstance,
	PRIMARY_N8N_VERSION,
	REPO_ROOT,
	SANDBOX_CREDENTIAL_ID,
	SANDBOX_CREDENTIAL_NAME,
	cacheRoot,
	packPackage,
	portAvailable,
	isN8nInstalled,
} from './lib/n8n';
import { HOT_RELOAD_ENV, rebuildOnChange } from './lib/n8n/dev';

interface Args {
	version: string;
	port: number;
	sandboxPort: number;
	fresh: boolean;
	userFolder?: string;
	watch: boolean;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { version: PRIMARY_N8N_VERSION, port: 5678, sandboxPort: 5680, fresh: false, watch: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = () => inline ?? argv[++i];
		switch (flag) {
			case '--n8n-version':
				args.version = value();
				break;
			case '--port':
				args.port = Number(value());
				break;
			case '--sandbox-port':
				args.sandboxPort = Number(value());
				break;
			case '--fresh':
				args.fresh = true;
				break;
			case '--user-folder':
				args.userFolder = path.resolve(value());
				break;
			case '--watch':
				args.watch = true;
				break;
			case '--help':
				console.log('npm start -- [--n8n-version X] [--port N] [--sandbox-port N] [--fresh] [--user-folder DIR] [--watch]');
				return process.exit(0);
			default:
				throw new Error(`unknown option ${argv[i]} (see --help)`);
		}
	}
	return args;
}

/** The wanted port if it is free, else any free one (0). */
async function pickPort(wanted: number): Promise<number> {
	if (wanted === 0 || (await portAvailable(wanted))) return wanted;
	console.log(`  port ${wanted} is taken: using a free one`);
	return 0;
}

function exampleWorkflows(): object[] {
	const dir = path.join(REPO_ROOT, 'examples');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

const step = (msg: string) => console.log(`• ${msg}`);
const since = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)}s`;

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const userFolder = args.userFolder ?? path.join(cacheRoot(), `start-n8n-${args.version}`);
	let sandbox: RunningSandbox | undefined;
	let n8n: N8nInstance | undefined;
	let stopping = false;

	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandbox…');
		await n8n?.stop().catch(() => undefined);
		await sandbox?.stop().catch(() => undefined);
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
	// a closed terminal: n8n and tsc --watch run in their own process groups and would live on
	process.on('SIGHUP', () => void shutdown(0));

	try {
		if (args.fresh) fs.rmSync(userFolder, { recursive: true, force: true });
		const firstRun = !fs.existsSync(path.join(userFolder, '.n8n', 'database.sqlite'));
		fs.mkdirSync(userFolder, { recursive: true });

		let t = Date.now();
		step('building and packing the package');
		const packDir = path.join(userFolder, 'pack');
		fs.rmSync(packDir, { recursive: true, force: true });
		const tarball = packPackage(packDir);
		console.log(`  ${path.basename(tarball)} (${since(t)})`);

		step('starting the OEM API sandbox');
		sandbox = await startSandbox({
			port: await pickPort(args.sandboxPort),
			stateFile: path.join(userFolder, 'sandbox-state.json'),
		});
		console.log(`  ${sandbox.url}`);

		t = Date.now();
		step(`preparing n8n ${args.version}${isN8nInstalled(args.version) ? '' : ' (not installed yet: a few minutes to install, once)'}`);
		n8n = await N8nInstance.create({
			version: args.version,
			userFolder,
			tarball,
			logLevel: 'info',
			...(args.watch ? { env: HOT_RELOAD_ENV } : {}),
		});
		console.log(`  ready (${since(t)}); user folder ${userFolder}`);

		t = Date.now();
		step(`importing the "${SANDBOX_CREDENTIAL_NAME}" credential${firstRun ? ' and the example workflows' : ''}`);
		await n8n.importCredentials([
			{
				id: SANDBOX_CREDENTIAL_ID,
				name: SANDBOX_CREDENTIAL_NAME,
				type: CREDENTIAL_TYPE,
				data: { baseUrl: sandbox.url, ...sandbox.credentials },
			},
		]);
		const examples = firstRun ? exampleWorkflows() : [];
		if (examples.length) await n8n.importWorkflows(examples);
		console.log(
			firstRun
				? `  ${examples.length} example workflow(s) imported (${since(t)})`
				: `  example workflows kept as you left them (--fresh imports them anew) (${since(t)})`,
		);

		step('starting n8n');
		const { url, bootMs } = await n8n.start({ port: (await pickPort(args.port)) || undefined });
		await n8n.rest!.ensureOwner(DEMO_OWNER);
		console.log(`  up in ${(bootMs / 1000).toFixed(1)}s; log: ${n8n.logFile}`);

		console.log(`
n8n ${args.version} with n8n-nodes-mspc-oem is running.

  Editor:    ${url}
  Login:     ${DEMO_OWNER.email} / ${DEMO_OWNER.password}
  Sandbox:   ${sandbox.url}  (credential "${SANDBOX_CREDENTIAL_NAME}" points at it)
  Demo organization OEM token (sandbox only): ${sandbox.demoOrganizationToken}
  Sandbox use only: this n8n encrypts credentials with a fixed, public key;
  never enter real MSPCentric credentials into it.

Press Ctrl-C to stop.`);

		const how = args.watch ? await rebuildOnChange(n8n, console.log) : await n8n.serverExited!;
		if (!stopping) {
			console.error(`n8n stopped on its own (${how}); see ${n8n.logFile}`);
			await shutdown(1);
		}
	} catch (err) {
		console.error(`\nnpm start failed: ${err instanceof Error ? err.message : String(err)}`);
		await shutdown(1);
	}
}

void main();
