/**
 * Installed the way users install it: n8n's Community Nodes installer (Settings → Community
 * Nodes), driven through the REST calls the editor makes, fetching the package from a real npm
 * registry it was published to with `npm publish`. Once per supported n8n version, on a fresh
 * n8n with an owner and nothing in its nodes folder: install, then without a restart the node
 * and trigger types, a credential made through REST passing n8n's credential test, an example
 * workflow imported through REST running green; publish 0.1.1, update through the installer,
 * still green; uninstall, and n8n reports the package gone.
 *
 * The registry: verdaccio on loopback (scripts/lib/registry). n8n installs only from its default
 * registry without an enterprise licence, so n8n stays on its default and a proxy given to n8n
 * alone (HTTP(S)_PROXY, NODE_EXTRA_CA_CERTS, npm's cafile) answers that registry's host from
 * verdaccio: n8n's own `npm pack` / `npm install` / `npm outdated` and its version check run
 * unchanged (scripts/lib/n8n/community-packages.ts). n8n's licence check is not touched.
 *
 * Environment: as n8n.e2e.test.ts (N8N_E2E_VERSIONS, N8N_E2E_CACHE, N8N_E2E_KEEP=1).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSandbox, type RunningSandbox } from '../../sandbox';
import {
	CREDENTIAL_TYPE,
	N8nInstance,
	NODE_TYPE,
	PACKAGE_NAME,
	ensureN8n,
	sleep,
	startInstallerRegistry,
	TRIGGER_NODE_TYPE,
	versionsFromEnv,
	type InstallerRegistry,
} from '../../scripts/lib/n8n';
import type { ScanSource } from '../helpers/secrets';
import { scanInstance } from './harness';
import * as wf from './workflows';

const VERSIONS = versionsFromEnv('N8N_E2E_VERSIONS');
const INSTALL_TIMEOUT_MS = 45 * 60_000;
const SETUP_TIMEOUT_MS = 5 * 60_000;
const FIRST = '0.1.0';
const SECOND = '0.1.1';

/**
 * Whether n8n's package list can show "update available" here. The list runs `npm outdated`
 * in the nodes folder; n8n 1.x runs that one command with an environment of only PATH,
 * NODE_PATH, APPDATA and NODE_ENV (CommunityPackagesService.executeNpmCommand), so the proxy and
 * CA settings never reach it and it asks the machine's own npm registry instead of n8n's default.
 * On a machine that reaches n8n's default registry directly, 1.x shows the update as 2.x does;
 * here only the update itself (PATCH, run by `npm pack` with n8n's full environment) is checked.
 */
const listsUpdates = (version: string) => !version.startsWith('1.');

/**
 * Whether n8n has rewritten /types/nodes.json and credentials.json before it answers an
 * install, update or uninstall. 1.123 and 2.8 write them with a stream nobody awaits
 * (FrontendService.writeStaticJSON), so a read right after the answer can get a partial file
 * (seen on 1.123.50); 2.41 awaits the write. The editor itself learns of the change from a push
 * message and asks `POST /rest/node-types`, which answers from memory on every line.
 */
const typesWrittenBeforeAnswer = (version: string) => {
	const [major, minor] = version.split('.').map(Number);
	return major > 2 || (major === 2 && minor >= 41);
};
const TYPES_FILE_WAIT_MS = 10_000;

describe.each(VERSIONS)('Community Nodes installer, n8n %s', (version) => {
	let sandbox: RunningSandbox;
	let installer: InstallerRegistry;
	let n8n: N8nInstance;
	const clientSecret = `installer-secret-${randomBytes(9).toString('hex')}`;
	/** every REST answer of this test, scanned for the client secret at the end */
	const answers: ScanSource[] = [];
	const timings: Record<string, number> = {};
	let suiteStarted = 0;
	let workflow: { id: string } & Record<string, unknown>;

	/** One REST call as the editor makes it; the answer is kept for the secret scan. */
	async function rest<T = any>(method: string, urlPath: string, body?: unknown): Promise<{ status: number; data: T }> {
		const res = await n8n.rest!.request(method, urlPath, body).catch((error: Error) => {
			throw new Error(`${method} ${urlPath}: ${error.message} (${(error.cause as Error)?.message})`);
		});
		answers.push({ name: `${method} ${urlPath} → ${res.status}`, text: res.text });
		return { status: res.status, data: (res.body?.data ?? res.body) as T };
	}

	const installedPackages = async () => (await rest<any[]>('GET', '/rest/community-packages')).data;
	/**
	 * The names in /types/nodes.json or credentials.json. Where n8n writes the file after its
	 * answer (typesWrittenBeforeAnswer), read again until the file is whole and `written` holds
	 * (the old file may still be served for a moment), at most TYPES_FILE_WAIT_MS.
	 */
	const typeNames = async (file: 'nodes' | 'credentials', written: (names: string[]) => boolean) => {
		const deadline = Date.now() + (typesWrittenBeforeAnswer(version) ? 0 : TYPES_FILE_WAIT_MS);
		for (;;) {
			const res = await rest<Array<{ name: string }>>('GET', `/types/${file}.json`);
			expect(res.status).toBe(200);
			const names = Array.isArray(res.data) ? res.data.map((type) => type.name) : undefined;
			if ((names && written(names)) || Date.now() > deadline) {
				if (!names) throw new Error(`/types/${file}.json is not a JSON list: ${String(res.data).slice(-200)}`);
				return names;
			}
			await sleep(200);
		}
	};
	const ours = (names: string[]) => names.includes(NODE_TYPE) && names.includes(TRIGGER_NODE_TYPE);
	const nodeTypes = (expectOurs: boolean) => typeNames('nodes', (names) => ours(names) === expectOurs);
	/** What the editor asks after the push message of an install or update: the descriptions' names (without the package prefix). */
	const nodeDescriptions = async () => {
		const res = await rest<Array<{ name: string }>>('POST', '/rest/node-types', {
			nodeInfos: [NODE_TYPE, TRIGGER_NODE_TYPE].map((name) => ({ name, version: 1 })),
		});
		expect(res.status).toBe(200);
		return res.data.map((type) => type.name);
	};
	const installedVersionOnDisk = () =>
		JSON.parse(fs.readFileSync(path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8'))
			.version;

	/** The editor's "Execute workflow" up to the example's last node; the run's status. */
	async function runExample(): Promise<string> {
		const id = await n8n.rest!.runManually(workflow, { destinationNode: 'Table' });
		const status = await n8n.rest!.waitForExecution(id);
		const execution = await rest('GET', `/rest/executions/${id}`);
		expect(execution.status).toBe(200);
		return status;
	}

	beforeAll(async () => {
		suiteStarted = Date.now();
		await ensureN8n(version);
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		let t = Date.now();
		const install = await ensureN8n(version);
		sandbox = await startSandbox({ clientSecret });
		installer = await startInstallerRegistry(install);
		timings.registry = Date.now() - t;
		t = Date.now();
		expect(await installer.publish()).toMatchObject({ name: PACKAGE_NAME, version: FIRST });
		timings.publish = Date.now() - t;
		t = Date.now();
		n8n = await N8nInstance.create({ version, tarball: false, env: installer.n8nEnv });
		timings.boot = (await n8n.start()).bootMs;
		await n8n.rest!.ensureOwner();
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		timings.suite = Date.now() - suiteStarted;
		// eslint-disable-next-line no-console
		console.log(`installer, n8n ${version} timings (ms): ${JSON.stringify(timings)}`);
		await n8n?.dispose();
		await installer?.stop();
		await sandbox?.stop();
	});

	test('a fresh n8n: nothing installed, nothing in the nodes folder', async () => {
		expect(await installedPackages()).toEqual([]);
		expect(fs.existsSync(path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME))).toBe(false);
		expect(await nodeTypes(false)).not.toContain(NODE_TYPE);
	});

	test('install through the installer (POST /rest/community-packages as the editor sends it): node and trigger load without a restart', async () => {
		const t = Date.now();
		const res = await rest('POST', '/rest/community-packages', { name: PACKAGE_NAME });
		timings.install = Date.now() - t;
		expect(res.status).toBe(200);
		expect(res.data).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: FIRST });
		expect(res.data.installedNodes.map((node: any) => node.type).sort()).toEqual([NODE_TYPE, TRIGGER_NODE_TYPE].sort());
		// n8n fetched it from the registry: metadata and tarball through its default registry's host
		expect(installer.proxy.requests).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ path: `/${PACKAGE_NAME}/-/${PACKAGE_NAME}-${FIRST}.tgz`, status: 200 }),
			]),
		);
		expect(installedVersionOnDisk()).toBe(FIRST);

		expect((await nodeDescriptions()).sort()).toEqual([NODE_TYPE, TRIGGER_NODE_TYPE].map((type) => type.slice(`${PACKAGE_NAME}.`.length)).sort());
		expect(await nodeTypes(true)).toEqual(expect.arrayContaining([NODE_TYPE, TRIGGER_NODE_TYPE]));
		expect(await typeNames('credentials', (names) => names.includes(CREDENTIAL_TYPE))).toContain(CREDENTIAL_TYPE);
		expect(await installedPackages()).toEqual([expect.objectContaining({ packageName: PACKAGE_NAME, installedVersion: FIRST })]);
	});

	test('a credential created through REST passes the credential test against the sandbox', async () => {
		const data = { baseUrl: sandbox.url, ...sandbox.credentials };
		const created = await rest('POST', '/rest/credentials', { name: 'MSPC OEM (installer test)', type: CREDENTIAL_TYPE, data });
		expect(created.status).toBe(200);
		const credential = { id: String(created.data.id), name: created.data.name, type: CREDENTIAL_TYPE, data };
		sandbox.clearRequests();
		const tested = await rest('POST', '/rest/credentials/test', { credentials: credential });
		expect(tested.data).toEqual({ status: 'OK', message: expect.any(String) });
		expect(sandbox.requests.map((r) => r.path)).toEqual(['/api/oem-api/vendor']);

		// the example workflow, imported through REST with the new credential selected (as the editor asks)
		const example = wf.loadExample(wf.EXAMPLES.vendorCatalogue.file);
		const nodes = example.nodes.map((node: any) =>
			node.credentials?.mspcOemApi ? { ...node, credentials: { mspcOemApi: { id: credential.id, name: credential.name } } } : node,
		);
		const saved = await rest('POST', '/rest/workflows', {
			name: example.name,
			// 1.x needs it in the body (NOT NULL column); 2.x sets it itself
			active: false,
			nodes,
			connections: example.connections,
			settings: example.settings,
		});
		expect(saved.status).toBe(200);
		workflow = saved.data;
	});

	test('the example workflow runs green on the installed package', async () => {
		sandbox.clearRequests();
		expect(await runExample()).toBe('success');
		expect(sandbox.requests.length).toBeGreaterThan(0);
	});

	test(`publish ${SECOND}: the package list offers it (2.x), Update (PATCH as the editor sends it) installs it and the workflow still runs`, async () => {
		let t = Date.now();
		expect(await installer.publish({ version: SECOND })).toMatchObject({ version: SECOND });
		timings.publishSecond = Date.now() - t;
		// the list runs `npm outdated` in n8n's nodes folder against its default registry
		const [offered] = await installedPackages();
		expect(offered).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: FIRST });
		expect(offered.updateAvailable).toBe(listsUpdates(version) ? SECOND : undefined);
		t = Date.now();
		const res = await rest('PATCH', '/rest/community-packages', { name: PACKAGE_NAME });
		timings.update = Date.now() - t;
		expect(res.status).toBe(200);
		expect(res.data).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: SECOND });
		expect(installedVersionOnDisk()).toBe(SECOND);
		const [listed] = await installedPackages();
		expect(listed).toMatchObject({ packageName: PACKAGE_NAME, installedVersion: SECOND });
		expect(listed.updateAvailable).toBeUndefined();
		expect(await nodeTypes(true)).toEqual(expect.arrayContaining([NODE_TYPE, TRIGGER_NODE_TYPE]));

		sandbox.clearRequests();
		expect(await runExample()).toBe('success');
		expect(sandbox.requests.length).toBeGreaterThan(0);
	});

	test('uninstall (DELETE as the editor sends it): n8n reports the package gone', async () => {
		const t = Date.now();
		const res = await rest('DELETE', `/rest/community-packages?name=${encodeURIComponent(PACKAGE_NAME)}`);
		timings.uninstall = Date.now() - t;
		expect(res.status).toBe(200);
		expect(await installedPackages()).toEqual([]);
		const types = await nodeTypes(false);
		expect(types).not.toContain(NODE_TYPE);
		expect(types).not.toContain(TRIGGER_NODE_TYPE);
		expect(fs.existsSync(path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME))).toBe(false);
	});

	test("the client secret is in no REST answer, nor in n8n's log or user folder", () => {
		expect(scanInstance(n8n, [clientSecret], answers)).toEqual([]);
	});
});
