/**
 * Our package inside a real n8n, once per supported n8n version: loading from the community
 * nodes folder, the credential test through n8n's REST API, workflows run by `n8n execute`,
 * and no secret in n8n's log or database afterwards.
 *
 * Environment: N8N_E2E_VERSIONS (comma-separated; default 2.8.4,1.123.50; 2.41.1 runs on Node 24),
 * N8N_E2E_CACHE (install cache folder), N8N_E2E_KEEP=1 (keep each temp user folder and its
 * n8n.log), N8N_E2E_BOOT_TIMEOUT_MS / N8N_E2E_CLI_TIMEOUT_MS / N8N_E2E_INSTALL_TIMEOUT_MS.
 */
import { DEFAULT_SEED, startSandbox, type RunningSandbox } from '../../sandbox';
import { ensureN8n, DEFAULT_N8N_VERSIONS } from '../../scripts/n8n-install';
import { CREDENTIAL_TYPE, N8nInstance, NODE_TYPE, PACKAGE_NAME, nodeError, nodeOutput } from './harness';
import * as wf from './workflows';

const VERSIONS = (process.env.N8N_E2E_VERSIONS ?? DEFAULT_N8N_VERSIONS.join(','))
	.split(',')
	.map((v) => v.trim())
	.filter(Boolean);

const INSTALL_TIMEOUT_MS = 45 * 60_000;
const SETUP_TIMEOUT_MS = 5 * 60_000;

describe.each(VERSIONS)('n8n %s', (version) => {
	let sandbox: RunningSandbox;
	let n8n: N8nInstance;
	const timings: Record<string, number> = {};

	beforeAll(async () => {
		const t = Date.now();
		await ensureN8n(version); // a no-op when the cache is warm
		timings.ensureInstall = Date.now() - t;
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		sandbox = await startSandbox();
		let t = Date.now();
		n8n = await N8nInstance.create({ version });
		timings.packAndUnpack = Date.now() - t;
		t = Date.now();
		await n8n.importCredentials(wf.oemCredentials(sandbox));
		await n8n.importWorkflows([
			wf.httpVendorsWorkflow(sandbox),
			wf.httpVendorsWorkflow(sandbox, wf.BAD_CREDENTIAL_ID),
			wf.nodeVendorsWorkflow(),
			wf.nodeVendorsWorkflow(wf.BAD_CREDENTIAL_ID),
		]);
		timings.cliImports = Date.now() - t;
		const { bootMs } = await n8n.start();
		timings.boot = bootMs;
		await n8n.rest!.ensureOwner();
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		// eslint-disable-next-line no-console
		const kept = process.env.N8N_E2E_KEEP === '1' ? `log kept: ${n8n?.logFile}` : 'N8N_E2E_KEEP=1 keeps the log';
		console.log(`n8n ${version} timings (ms): ${JSON.stringify(timings)}; ${kept}`);
		await n8n?.dispose();
		await sandbox?.stop();
	});

	beforeEach(() => sandbox.clearRequests());

	test('loads our package from the community nodes folder', async () => {
		expect(n8n.installedPackage?.dropped).toEqual([]);
		expect(await n8n.rest!.getCredentialTypes()).toContain(CREDENTIAL_TYPE);
		expect(await n8n.rest!.getNodeTypes()).toContain(NODE_TYPE);
		const loadErrors = n8n.bootLog
			.split('\n')
			.filter((line) => line.includes('"level":"error"') && line.includes(`node_modules/${PACKAGE_NAME}`));
		expect(loadErrors).toEqual([]);
	});

	test('credential test: the sandbox credential passes', async () => {
		const [good] = wf.oemCredentials(sandbox);
		const result = await n8n.rest!.testCredential(good);
		expect(result).toEqual({ status: 'OK', message: expect.any(String) });
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({ method: 'POST', path: '/api/oem-api/vendor' });
	});

	test('credential test: a wrong client secret fails with a clear message', async () => {
		const [, bad] = wf.oemCredentials(sandbox);
		const result = await n8n.rest!.testCredential(bad);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/authoriz|credential/i);
	});

	test("n8n's HTTP Request node authenticates with our credential type", async () => {
		const run = await n8n.execute('e2eHttpVendors');
		expect(run.status).toBe('success');
		const [body] = nodeOutput(run, 'Vendors');
		expect(body.vendors.map((v: { id: string }) => v.id)).toEqual(DEFAULT_SEED.vendors.map((v) => v.id));
		expect(sandbox.requests[0].body).toEqual({
			clientId: sandbox.credentials.clientId,
			clientSecret: sandbox.credentials.clientSecret,
			grantType: 'client_credentials',
			scope: sandbox.credentials.scope,
		});
	});

	test('the HTTP Request node with a wrong secret fails the execution', async () => {
		const run = await n8n.execute('e2eHttpVendorsBad');
		expect(run.cli.code).toBe(1);
		expect(run.status).toBe('error');
		expect(run.error?.httpCode ?? nodeError(run, 'Vendors')?.httpCode).toBe('401');
	});

	test('our node: Vendor → List', async () => {
		const run = await n8n.execute('e2eNodeVendors');
		expect(run.status).toBe('success');
		const items = nodeOutput(run, 'MSPC OEM');
		expect(items.map((v) => v.id)).toEqual(DEFAULT_SEED.vendors.map((v) => v.id));
	});

	test('our node: a wrong secret fails with a message that says so', async () => {
		const run = await n8n.execute('e2eNodeVendorsBad');
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/401/);
		expect(run.error?.message).toMatch(/Client Secret/);
	});

	test('n8n tried to reach no host beyond loopback', () => {
		const lookups = n8n.logText().match(/(?:ENOTFOUND|EAI_AGAIN) [\w.-]+/g) ?? [];
		expect([...new Set(lookups)]).toEqual([]);
	});

	test('no secret in the execution data, the database or the log', () => {
		// positive control: the scanner does see what the executions stored
		expect(n8n.scan([DEFAULT_SEED.vendors[0].name]).length).toBeGreaterThan(0);
		const hits = n8n.scan([sandbox.credentials.clientSecret, wf.WRONG_SECRET]);
		expect(hits).toEqual([]);
	});
});
