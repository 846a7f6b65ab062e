/**
 * Our package inside a real n8n, once per supported n8n version and with one server boot each:
 * loading from the community nodes folder (node, AI tool variant, credential), the credential
 * test through n8n's REST API, every operation and Continue On Fail in workflows run by
 * `n8n execute`, the AI tool variant, the example workflows (one through its production
 * webhook), and no secret in n8n's log, database or execution data afterwards.
 *
 * The tool variant runs the way n8n itself runs a tool without a model: the editor's "Execute
 * step" on a tool (REST run with destinationNode + agentRequest) makes n8n replace the agent by
 * its Tool Executor and fill each $fromAI() from the request; the CLI test imports that same
 * rewired graph. A real agent needs a chat model, which is not available offline.
 *
 * Secrets: the errors workflows read the OEM token and credential values from $env, so any
 * trace of them in the user folder is a leak; the every-operation workflow reads them from an
 * input item, which n8n itself keeps (the Code node's source and output) and nothing else may.
 *
 * Environment: N8N_E2E_VERSIONS (comma-separated; default: every supported version, see
 * scripts/lib/n8n/versions.ts; those in NODE24_VERSIONS run on Node 24),
 * N8N_E2E_CACHE (install cache folder), N8N_E2E_KEEP=1 (keep each temp user folder and its
 * n8n.log), N8N_E2E_BOOT_TIMEOUT_MS / N8N_E2E_CLI_TIMEOUT_MS / N8N_E2E_INSTALL_TIMEOUT_MS.
 */
import { randomBytes } from 'node:crypto';

import { DEFAULT_SEED, startSandbox, type RecordedRequest, type RunningSandbox } from '../../sandbox';
import {
	CREDENTIAL_TYPE,
	N8nInstance,
	NODE_TYPE,
	PACKAGE_NAME,
	SANDBOX_CREDENTIAL_ID,
	SANDBOX_CREDENTIAL_NAME,
	versionsFromEnv,
	TOOL_NODE_TYPE,
	ensureN8n,
	parseExecuteOutput,
	type RunResult,
} from '../../scripts/lib/n8n';
import { locateSecrets, nodeError, nodeOutput, scanInstance, toolExecutorKeysByTool } from './harness';
import * as wf from './workflows';

const VERSIONS = versionsFromEnv('N8N_E2E_VERSIONS');

const INSTALL_TIMEOUT_MS = 45 * 60_000;
const SETUP_TIMEOUT_MS = 5 * 60_000;

/** What the credential test says when the Base URL answers, but not as the OEM API does. */
const NOT_THE_API =
	"The credential's Base URL reached something that is not the MSPC OEM API (its answer has no vendor list): check that the credential's Base URL is your MSPCentric address";

const secret = (label: string) => `${label}-${randomBytes(9).toString('hex')}`;

/** The JSON items and their pairedItem of a node's first run (main output 0). */
function outputWithPairing(run: RunResult, nodeName: string): Array<{ json: any; pairedItem: any }> {
	const runs = run.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
	return (runs[0].data?.main?.[0] ?? []).map((item: any) => ({ json: item.json, pairedItem: item.pairedItem }));
}

const AUTH = (sb: RunningSandbox) => ({
	clientId: sb.credentials.clientId,
	clientSecret: sb.credentials.clientSecret,
	grantType: 'client_credentials',
	scope: sb.credentials.scope,
});

describe.each(VERSIONS)('n8n %s', (version) => {
	let sandbox: RunningSandbox;
	let n8n: N8nInstance;
	const timings: Record<string, number> = {};
	let suiteStarted = 0;

	// Organizations of their own, so each workflow's effects can be told apart in the sandbox.
	let opsToken: string;
	let errorsToken: string;
	let opsInput: wf.OpsInput;
	const lifecycleInput: wf.LifecycleInput = {
		company: `E2E Lifecycle ${randomBytes(3).toString('hex')}`,
		domain: `lifecycle-${randomBytes(3).toString('hex')}.example`,
		crmAccountId: `crm-${randomBytes(4).toString('hex')}`,
		apiKey: secret('lc-key'),
		rotatedKey: secret('lc-rotated'),
	};
	const envSecrets = { key: secret('env-api-key'), secret: secret('env-api-secret') };

	beforeAll(async () => {
		const t = Date.now();
		suiteStarted = t;
		await ensureN8n(version); // a no-op when the cache is warm
		timings.ensureInstall = Date.now() - t;
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		sandbox = await startSandbox();
		opsToken = sandbox.createOrganization({ name: 'E2E Ops MSP', email: 'owner@ops.e2e.example' }).organizationOemToken;
		errorsToken = sandbox.createOrganization({ name: 'E2E Errors MSP', email: 'owner@errors.e2e.example' })
			.organizationOemToken;
		opsInput = {
			token: opsToken,
			northwindKey: secret('nw-key'),
			northwindUser: secret('nw-user'),
			bluefinUser: secret('bf-user'),
			bluefinKey: secret('bf-key'),
			bluefinUnicode: `${secret('bf-ünï')}-✓`,
			harborTenant: secret('hb-tenant'),
			harborKey: secret('hb-key'),
			rotatedKey: secret('nw-rotated'),
		};
		let t = Date.now();
		n8n = await N8nInstance.create({
			version,
			env: {
				// lets expressions read $env (off by default in 2.x): where the errors workflow takes its secrets
				N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
				[wf.ENV.token]: errorsToken,
				[wf.ENV.key]: envSecrets.key,
				[wf.ENV.secret]: envSecrets.secret,
			},
		});
		timings.packAndUnpack = Date.now() - t;
		t = Date.now();
		await n8n.importCredentials([
			...wf.oemCredentials(sandbox),
			{
				id: SANDBOX_CREDENTIAL_ID,
				name: SANDBOX_CREDENTIAL_NAME,
				type: CREDENTIAL_TYPE,
				data: { baseUrl: sandbox.url, ...sandbox.credentials },
			},
		]);
		await n8n.importWorkflows([
			wf.httpVendorsWorkflow(sandbox),
			wf.httpVendorsWorkflow(sandbox, wf.BAD_CREDENTIAL_ID),
			wf.nodeVendorsWorkflow(),
			wf.nodeVendorsWorkflow(wf.BAD_CREDENTIAL_ID),
			wf.operationsWorkflow(opsInput),
			wf.lifecycleWorkflow(lifecycleInput),
			wf.continueOnFailWorkflow(),
			wf.failingWorkflow(),
			wf.toolWorkflow(TOOL_ARGS, toolExecutorKeysByTool(n8n.install)),
			wf.toolAgentWorkflow(),
			wf.loadExample(wf.EXAMPLES.onboarding.file),
			wf.loadExample(wf.EXAMPLES.vendorCatalogue.file),
		]);
		await n8n.activateWorkflows([wf.EXAMPLES.onboarding.id]);
		timings.cliImports = Date.now() - t;
		const { bootMs } = await n8n.start();
		timings.boot = bootMs;
		await n8n.rest!.ensureOwner();
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		timings.suite = Date.now() - suiteStarted;
		const kept = process.env.N8N_E2E_KEEP === '1' ? `log kept: ${n8n?.logFile}` : 'N8N_E2E_KEEP=1 keeps the log';
		// eslint-disable-next-line no-console
		console.log(`n8n ${version} timings (ms): ${JSON.stringify(timings)}; ${kept}`);
		await n8n?.dispose();
		await sandbox?.stop();
	});

	beforeEach(() => sandbox.clearRequests());

	/** `n8n execute`, timed into `timings.execute:<id>`. */
	async function execute(id: string) {
		const t = Date.now();
		const run = await n8n.execute(id);
		timings[`execute:${id}`] = Date.now() - t;
		return run;
	}

	const integrationsOf = (token: string) => {
		const state = sandbox.state();
		const org = state.organizations.find((o: any) => o.organizationOemToken === token)!;
		return state.integrations.filter((i: any) => i.organizationId === org.id);
	};

	test('loads our package from the community nodes folder: node, AI tool variant and credential', async () => {
		expect(n8n.installedPackage?.dropped).toEqual([]);
		expect(await n8n.rest!.getCredentialTypes()).toContain(CREDENTIAL_TYPE);
		const nodeTypes = await n8n.rest!.getNodeTypes();
		expect(nodeTypes).toContain(NODE_TYPE);
		expect(nodeTypes).toContain(TOOL_NODE_TYPE);
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
		expect(result).toEqual({
			status: 'Error',
			message: 'The client credentials were rejected (401): check the Client ID, Client Secret and Scope in the credential',
		});
	});

	describe('no redirect is followed with the credential: its target receives nothing', () => {
		let target: RunningSandbox;
		beforeAll(async () => {
			target = await startSandbox();
		});
		afterAll(async () => {
			await target?.stop();
		});
		beforeEach(() => target.clearRequests());
		const redirect = (status: number) => ({ status, headers: { location: `${target.url}/api/oem-api/vendor` } });

		test.each([307, 308, 302])("credential test through n8n's REST endpoint, redirected with %i", async (status) => {
			sandbox.injectNext(redirect(status));
			const [good] = wf.oemCredentials(sandbox);
			const result = await n8n.rest!.testCredential(good);
			expect(target.requests).toEqual([]);
			expect(sandbox.requests).toHaveLength(1);
			expect(result).toEqual({ status: 'Error', message: NOT_THE_API });
		});

		test("n8n's HTTP Request node with our credential (it follows redirects by default)", async () => {
			sandbox.injectNext(redirect(307));
			const run = await execute('e2eHttpVendors');
			expect(target.requests).toEqual([]);
			expect(sandbox.requests).toHaveLength(1);
			expect(run.status).toBe('error');
		});
	});

	test.each([
		['a web page answering 404', { status: 404, contentType: 'text/html', body: '<!DOCTYPE html><html><title>Error</title><pre>Cannot POST /api/oem-api/vendor</pre></html>' }],
		['a web page answering 200', { status: 200, contentType: 'text/html', body: '<!doctype html><html><title>Sign in</title></html>' }],
	])('credential test: a Base URL that reaches %s says it is not the OEM API', async (_name, fault) => {
		sandbox.injectNext(fault);
		const [good] = wf.oemCredentials(sandbox);
		expect(await n8n.rest!.testCredential(good)).toEqual({ status: 'Error', message: NOT_THE_API });
	});

	test("n8n's HTTP Request node authenticates with our credential type", async () => {
		const run = await execute('e2eHttpVendors');
		expect(run.status).toBe('success');
		const [body] = nodeOutput(run, 'Vendors');
		expect(body.vendors.map((v: { id: string }) => v.id)).toEqual(DEFAULT_SEED.vendors.map((v) => v.id));
		expect(sandbox.requests[0].body).toEqual(AUTH(sandbox));
	});

	test('the HTTP Request node with a wrong secret fails the execution', async () => {
		const run = await execute('e2eHttpVendorsBad');
		expect(run.cli.code).toBe(1);
		expect(run.status).toBe('error');
		expect(run.error?.httpCode ?? nodeError(run, 'Vendors')?.httpCode).toBe('401');
	});

	test('our node: Vendor → List', async () => {
		const run = await execute('e2eNodeVendors');
		expect(run.status).toBe('success');
		const items = nodeOutput(run, 'MSPC OEM');
		expect(items.map((v) => v.id)).toEqual(DEFAULT_SEED.vendors.map((v) => v.id));
	});

	test('our node: a wrong secret fails with a message that says so', async () => {
		const run = await execute('e2eNodeVendorsBad');
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/401/);
		expect(run.error?.message).toMatch(/Client Secret/);
	});

	describe('every operation in one workflow (secrets from the input item, by expression)', () => {
		let run: RunResult;
		let requests: RecordedRequest[];
		let created: Record<'northwind' | 'bluefin' | 'harbor', string>;

		beforeAll(async () => {
			sandbox.clearRequests();
			run = await execute('e2eOps');
			requests = [...sandbox.requests];
		});

		test('the execution succeeds and runs every node once', () => {
			expect(run.status).toBe('success');
			expect(Object.keys(run.runData)).toEqual(
				expect.arrayContaining(['Vendor List (filter)', 'Create (template)', 'Create (key/value)', 'Create (JSON)', 'Integration List', 'Update']),
			);
		});

		test('Vendor: List with filters returns the one matching vendor, paired to its input', () => {
			const northwind = DEFAULT_SEED.vendors[0];
			expect(outputWithPairing(run, 'Vendor List (filter)')).toEqual([
				{
					json: {
						id: northwind.id,
						name: northwind.name,
						integrationStatus: 'active',
						integrationType: 'custom_hosted',
						integrationCredentialTemplate: { 'api key': '', 'api username': '' },
						credentialKeys: ['api key', 'api username'],
					},
					pairedItem: { item: 0 },
				},
			]);
		});

		test('Integration: Create in each credentials mode outputs the new integration', () => {
			const one = (node: string) => {
				const items = outputWithPairing(run, node);
				expect(items).toEqual([{ json: { id: expect.stringMatching(/^[0-9a-f]{24}$/), vendorId: expect.any(String) }, pairedItem: { item: 0 } }]);
				return items[0].json;
			};
			const template = one('Create (template)');
			const keyValue = one('Create (key/value)');
			const json = one('Create (JSON)');
			expect([template.vendorId, keyValue.vendorId, json.vendorId]).toEqual([wf.VENDOR.northwind, wf.VENDOR.bluefin, wf.VENDOR.harbor]);
			created = { northwind: template.id, bluefin: keyValue.id, harbor: json.id };
		});

		test('the requests that reached the sandbox carry the keys verbatim', () => {
			const withToken = { ...AUTH(sandbox), organizationOemToken: opsToken };
			expect(requests.map((r) => ({ method: r.method, path: r.path, body: r.body }))).toEqual([
				{ method: 'POST', path: '/api/oem-api/vendor', body: AUTH(sandbox) },
				{
					method: 'POST',
					path: '/api/oem-api/integration',
					body: {
						...withToken,
						data: {
							vendorId: wf.VENDOR.northwind,
							integrationCredentials: { 'api key': opsInput.northwindKey, 'api username': opsInput.northwindUser },
						},
					},
				},
				{
					method: 'POST',
					path: '/api/oem-api/integration',
					body: {
						...withToken,
						data: {
							vendorId: wf.VENDOR.bluefin,
							integrationCredentials: {
								'api user': opsInput.bluefinUser,
								'api key': opsInput.bluefinKey,
								[wf.UNICODE_KEY]: opsInput.bluefinUnicode,
							},
						},
					},
				},
				{
					method: 'POST',
					path: '/api/oem-api/integration',
					body: {
						...withToken,
						data: {
							vendorId: wf.VENDOR.harbor,
							integrationCredentials: { 'tenant id': opsInput.harborTenant, 'api key': opsInput.harborKey, region: 'eu-west' },
						},
					},
				},
				{ method: 'POST', path: '/api/oem-api/integration/list', body: withToken },
				// the vendor names of Integration: List
				{ method: 'POST', path: '/api/oem-api/vendor', body: AUTH(sandbox) },
				// Integration: Update reads the stored keys first (it never drops one unasked)
				{ method: 'POST', path: '/api/oem-api/integration/list', body: withToken },
				{
					method: 'PATCH',
					path: `/api/oem-api/integration/${created.northwind}`,
					body: {
						...withToken,
						data: { integrationCredentials: { 'api key': opsInput.rotatedKey, 'api username': opsInput.northwindUser } },
					},
				},
			]);
			// the raw bytes: keys with spaces and unicode as typed, in order, not escaped or re-cased
			const raw = requests[2].rawBody;
			expect(raw).toContain(`"integrationCredentials":{"api user":`);
			expect(raw).toContain(`"${wf.UNICODE_KEY}":"${opsInput.bluefinUnicode}"`);
			expect(requests[2].headers['content-type']).toMatch(/^application\/json/);
		});

		test('Integration: List returns every integration with its credential keys, paired to its input', () => {
			const items = outputWithPairing(run, 'Integration List');
			expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
			expect(items.map((i) => [i.json.id, i.json.vendorId, i.json.vendorName, i.json.credentialKeys])).toEqual([
				[created.northwind, wf.VENDOR.northwind, 'Northwind RMM', ['api key', 'api username']],
				[created.bluefin, wf.VENDOR.bluefin, 'Bluefin PSA', ['api user', 'api key', wf.UNICODE_KEY]],
				[created.harbor, wf.VENDOR.harbor, 'Harbor Cloud Backup', ['tenant id', 'api key', 'region']],
			]);
			// the list shows keys only, never stored values
			expect(JSON.stringify(items)).not.toContain(opsInput.bluefinKey);
		});

		test('Integration: Update replaced the stored credentials', () => {
			expect(outputWithPairing(run, 'Update')).toEqual([
				{ json: { id: created.northwind, vendorId: wf.VENDOR.northwind }, pairedItem: { item: 0 } },
			]);
			const stored = Object.fromEntries(integrationsOf(opsToken).map((i: any) => [i.vendorId, i.credentials]));
			expect(stored).toEqual({
				[wf.VENDOR.northwind]: { 'api key': opsInput.rotatedKey, 'api username': opsInput.northwindUser },
				[wf.VENDOR.bluefin]: { 'api user': opsInput.bluefinUser, 'api key': opsInput.bluefinKey, [wf.UNICODE_KEY]: opsInput.bluefinUnicode },
				[wf.VENDOR.harbor]: { 'tenant id': opsInput.harborTenant, 'api key': opsInput.harborKey, region: 'eu-west' },
			});
		});
	});

	describe('the OEM lifecycle: organization, user, Create or Update, blank-field guard, user removal', () => {
		let run: RunResult;
		let requests: RecordedRequest[];
		let token: string;

		beforeAll(async () => {
			sandbox.clearRequests();
			run = await execute('e2eLifecycle');
			requests = [...sandbox.requests];
			token = sandbox.state().organizations.find((o: any) => o.name === lifecycleInput.company)!.organizationOemToken;
		});

		test('the execution succeeds; the new token is output by Organization: Create and User: Add', () => {
			expect(run.status).toBe('success');
			expect(token).toEqual(expect.any(String));
			expect(outputWithPairing(run, 'Create organization')).toEqual([
				{
					json: {
						organizationOemToken: token,
						name: lifecycleInput.company,
						email: `owner@${lifecycleInput.domain}`,
						vendorOrganizationId: lifecycleInput.crmAccountId,
					},
					pairedItem: { item: 0 },
				},
			]);
			expect(outputWithPairing(run, 'Add user')).toEqual([
				{ json: { organizationOemToken: token, email: `tech@${lifecycleInput.domain}` }, pairedItem: { item: 0 } },
			]);
		});

		test('the requests: exact bodies, DELETE with its JSON body, one list per Create or Update', () => {
			const withToken = { ...AUTH(sandbox), organizationOemToken: token };
			const [integration] = integrationsOf(token);
			expect(requests.map((r) => ({ method: r.method, path: r.path, body: r.body }))).toEqual([
				{
					method: 'POST',
					path: '/api/oem-api/organization',
					body: {
						...AUTH(sandbox),
						data: {
							name: lifecycleInput.company,
							email: `owner@${lifecycleInput.domain}`,
							firstName: 'Olga',
							lastName: 'Owner',
							vendorOrganizationId: lifecycleInput.crmAccountId,
						},
					},
				},
				{
					method: 'POST',
					path: '/api/oem-api/user',
					body: {
						...AUTH(sandbox),
						data: {
							email: `tech@${lifecycleInput.domain}`,
							firstName: 'Tomas',
							lastName: 'Tech',
							vendorUserId: 'tech-1',
							vendorOrganizationId: lifecycleInput.crmAccountId,
						},
					},
				},
				{ method: 'POST', path: '/api/oem-api/integration/list', body: withToken },
				{
					method: 'POST',
					path: '/api/oem-api/integration',
					body: { ...withToken, data: { vendorId: wf.VENDOR.northwind, integrationCredentials: { 'api key': lifecycleInput.apiKey, 'api username': 'svc-lifecycle' } } },
				},
				{ method: 'POST', path: '/api/oem-api/integration/list', body: withToken },
				{
					method: 'PATCH',
					path: `/api/oem-api/integration/${integration.id}`,
					body: { ...withToken, data: { integrationCredentials: { 'api key': lifecycleInput.rotatedKey, 'api username': 'svc-lifecycle' } } },
				},
				// the guard read the stored keys, then refused the blank field: nothing written
				{ method: 'POST', path: '/api/oem-api/integration/list', body: withToken },
				{ method: 'DELETE', path: '/api/oem-api/user', body: withToken },
			]);
			expect(requests.at(-1)!.rawBody).toBe(JSON.stringify(withToken));
			expect(requests.at(-1)!.headers['content-type']).toMatch(/^application\/json/);
		});

		test('Create or Update: created, then updated; the blank template field is refused; the user removed', () => {
			const [integration] = integrationsOf(token);
			expect(outputWithPairing(run, 'Create or Update (creates)')).toEqual([
				{ json: { id: integration.id, vendorId: wf.VENDOR.northwind, action: 'created' }, pairedItem: { item: 0 } },
			]);
			expect(outputWithPairing(run, 'Create or Update (updates)')).toEqual([
				{ json: { id: integration.id, vendorId: wf.VENDOR.northwind, action: 'updated' }, pairedItem: { item: 0 } },
			]);
			expect(integration.credentials).toEqual({ 'api key': lifecycleInput.rotatedKey, 'api username': 'svc-lifecycle' });
			const [blank] = outputWithPairing(run, 'Update with a blank field');
			expect(blank.pairedItem).toEqual({ item: 0 });
			expect(blank.json.error).toBe('The update for item 0 would delete the stored credential key "api username"');
			expect(blank.json.description).toMatch(/^An update replaces all of the integration's stored credential values/);
			expect(blank.json.description).toMatch(/Allow Removing Stored Keys/);
			expect(outputWithPairing(run, 'Remove user')).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
			const org = sandbox.state().organizations.find((o: any) => o.organizationOemToken === token)!;
			expect(org.users.map((u: any) => u.email)).toEqual([`owner@${lifecycleInput.domain}`]);
		});
	});

	describe('Continue On Fail (secrets from $env)', () => {
		let run: RunResult;
		let requests: RecordedRequest[];
		beforeAll(async () => {
			sandbox.clearRequests();
			run = await execute('e2eContinue');
			requests = [...sandbox.requests];
		});

		test('an unknown vendor becomes one error item paired to its input; the others are created', () => {
			expect(run.status).toBe('success');
			const items = outputWithPairing(run, 'Create');
			expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(items[0].json).toEqual({ id: expect.any(String), vendorId: wf.VENDOR.summit });
			expect(items[2].json).toEqual({ id: expect.any(String), vendorId: wf.VENDOR.quartz });
			expect(items[1].json).toEqual({
				error: expect.stringMatching(/^Could not create the integration: not found \(404\): no vendor with this ID/),
				description: expect.stringContaining('Vendor not found'),
				httpCode: '404',
			});
			expect(integrationsOf(errorsToken).map((i: any) => i.vendorId).sort()).toEqual([wf.VENDOR.summit, wf.VENDOR.quartz].sort());
		});

		test('creating the same again: 409 duplicates and the 404, each an error item paired to its input', () => {
			const items = outputWithPairing(run, 'Create again');
			expect(items.map((i) => [i.pairedItem, i.json.httpCode])).toEqual([
				[{ item: 0 }, '409'],
				[{ item: 1 }, '404'],
				[{ item: 2 }, '409'],
			]);
			expect(items[0].json.error).toMatch(/already exists \(409\).*Integration: Update/);
			// six requests, each with the values from the environment
			expect(requests).toHaveLength(6);
			for (const r of requests) {
				expect((r.body as any).organizationOemToken).toBe(errorsToken);
				expect((r.body as any).data.integrationCredentials).toEqual({ 'api key': envSecrets.key, 'api secret': envSecrets.secret });
			}
		});

		test('without Continue On Fail the duplicate fails the execution with the same clear message', async () => {
			const failed = await execute('e2eFail');
			expect(failed.cli.code).toBe(1);
			expect(failed.status).toBe('error');
			expect(failed.lastNodeExecuted).toBe('Create');
			expect(failed.error?.message).toMatch(/^Could not create the integration: it already exists \(409\)/);
			expect(failed.error?.httpCode).toBe('409');
			// n8n stores the node's parameters with the error: here only expressions
			expect(failed.error?.node?.parameters?.organizationOemToken).toBe(`={{ $env.${wf.ENV.token} }}`);
		});
	});

	describe('the AI tool variant', () => {
		test('runs like "Execute step" on a tool: $fromAI() parameters filled from the arguments', async () => {
			const run = await execute('e2eTool');
			expect(run.status).toBe('success');
			// both tool calls reached the sandbox with the values the "model" chose
			const byPath = Object.fromEntries(sandbox.requests.map((r) => [r.path, r.body as any]));
			expect(byPath['/api/oem-api/vendor']).toEqual(AUTH(sandbox));
			expect(byPath['/api/oem-api/integration']).toEqual({
				...AUTH(sandbox),
				organizationOemToken: errorsToken,
				data: {
					vendorId: TOOL_ARGS.createIntegration.vendorId,
					integrationCredentials: {
						'api username': TOOL_ARGS.createIntegration.apiUsername,
						'api secret': TOOL_ARGS.createIntegration.apiSecret,
						'tenant id': TOOL_ARGS.createIntegration.tenantId,
					},
				},
			});
			// what each tool answered the agent: the filtered vendor list and the new integration
			const toolResponse = (node: string) => run.runData[node]?.[0]?.data?.ai_tool?.[0]?.[0]?.json?.response;
			expect(toolResponse('Find vendor').map((v: any) => v.name)).toEqual(['Harbor Cloud Backup']);
			expect(toolResponse('Create integration')).toEqual([{ id: expect.any(String), vendorId: wf.VENDOR.harbor }]);
		});
		test('"Execute step" on a tool attached to an agent, through the REST API as the editor sends it', async () => {
			const workflow = wf.toolAgentWorkflow();
			const keyed = toolExecutorKeysByTool(n8n.install);
			const runTool = async (nodeName: string, toolName: string, args: Record<string, string>) => {
				const id = await n8n.rest!.runManually(workflow, {
					destinationNode: nodeName,
					agentRequest: { query: keyed ? { [toolName]: args } : args, tool: { name: toolName } },
				});
				expect(await n8n.rest!.waitForExecution(id)).toBe('success');
				return n8n.readDatabase().executions.find((e) => e.id === id)!;
			};
			const find = await runTool('Find vendor', 'Find_vendor', { vendorName: 'summit' });
			// n8n put its Tool Executor where the agent was and ran only the tool
			expect(Object.keys(find.data.resultData.runData).sort()).toEqual(['Find vendor', 'PartialExecutionToolExecutor', 'Start']);
			const vendors = find.data.resultData.runData['Find vendor'][0].data.ai_tool[0][0].json.response;
			expect(vendors.map((v: any) => v.id)).toEqual([wf.VENDOR.summit]);

			sandbox.clearRequests();
			const create = await runTool('Create integration', 'Create_integration', {
				vendorId: wf.VENDOR.northwind,
				apiUsername: 'agent-user-2',
				apiSecret: 'agent-secret-2',
				tenantId: 'agent-tenant-2',
			});
			expect(create.status).toBe('success');
			expect(sandbox.requests.map((r) => r.body)).toEqual([
				{
					...AUTH(sandbox),
					organizationOemToken: errorsToken,
					data: {
						vendorId: wf.VENDOR.northwind,
						integrationCredentials: { 'api username': 'agent-user-2', 'api secret': 'agent-secret-2', 'tenant id': 'agent-tenant-2' },
					},
				},
			]);
		});
	});

	describe('example workflows', () => {
		test('vendor-catalogue: one flat row per vendor', async () => {
			const run = await execute(wf.EXAMPLES.vendorCatalogue.id);
			expect(run.status).toBe('success');
			const rows = nodeOutput(run, 'Table');
			expect(rows).toHaveLength(DEFAULT_SEED.vendors.length);
			expect(rows[0]).toEqual({ vendor: 'Northwind RMM', type: 'custom_hosted', status: 'active', credentialKeys: 'api key, api username' });
			expect(rows.find((r) => r.vendor === 'Lighthouse Security Awareness')).toEqual({
				vendor: 'Lighthouse Security Awareness',
				type: 'external',
				status: 'active',
				credentialKeys: '',
			});
		});

		test("onboarding-chain: a POST to the active workflow's webhook creates the organization, then its integration", async () => {
			const apiKey = secret('deal-api-key');
			const t = Date.now();
			const res = await fetch(`${n8n.url}/webhook/${wf.EXAMPLES.onboarding.webhookPath}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					company: 'Contoso',
					email: 'it@contoso.example',
					firstName: 'Casey',
					lastName: 'Contoso',
					crmAccountId: 'crm-1001',
					vendorName: 'northwind',
					credentials: { 'api key': apiKey, 'api username': 'svc-contoso' },
				}),
				signal: AbortSignal.timeout(30_000),
			});
			timings['webhook:onboarding'] = Date.now() - t;
			expect(res.status).toBe(200);
			const body = (await res.json()) as any;
			// the answer names the integration, never the token
			expect(body).toEqual({ id: expect.any(String), vendorId: wf.VENDOR.northwind, action: 'created' });
			const org = sandbox.state().organizations.find((o: any) => o.vendorOrganizationId === 'crm-1001')!;
			expect(org).toMatchObject({ name: 'Contoso', email: 'it@contoso.example' });
			expect(integrationsOf(org.organizationOemToken)).toEqual([
				expect.objectContaining({ id: body.id, vendorId: wf.VENDOR.northwind, credentials: { 'api key': apiKey, 'api username': 'svc-contoso' } }),
			]);
		});

		test('onboarding-chain: one click (its Manual Trigger with the sample deal) runs green, again and again', async () => {
			for (const round of [1, 2]) {
				sandbox.clearRequests();
				const run = await execute(wf.EXAMPLES.onboarding.id);
				expect(run.status).toBe('success');
				const [created] = nodeOutput(run, 'Create or update integration');
				expect(created).toEqual({ id: expect.any(String), vendorId: wf.VENDOR.northwind, action: 'created' });
				expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
					'POST /api/oem-api/organization',
					'POST /api/oem-api/vendor',
					'POST /api/oem-api/integration/list',
					'POST /api/oem-api/integration',
				]);
				expect(round).toBeGreaterThan(0);
			}
		});

		test("onboarding-chain: one click on Execute workflow in the editor runs the webhook's pinned sample deal, without waiting for a call", async () => {
			sandbox.clearRequests();
			const workflow = wf.loadExample(wf.EXAMPLES.onboarding.file);
			// what the editor sends for "Execute workflow": the workflow with its pinned data, no trigger chosen
			const id = await n8n.rest!.runManually(workflow, { destinationNode: 'Create or update integration' });
			expect(await n8n.rest!.waitForExecution(id)).toBe('success');
			const execution = n8n.readDatabase().executions.find((e) => e.id === id)!;
			const runData = execution.data.resultData.runData;
			expect(Object.keys(runData)).toEqual(expect.arrayContaining(['Deal won', 'Deal', 'Create organization', 'Create or update integration']));
			expect(Object.keys(runData)).not.toContain('Try it (sample deal)');
			expect(runData['Create or update integration'][0].data.main[0][0].json).toEqual({
				id: expect.any(String),
				vendorId: wf.VENDOR.northwind,
				action: 'created',
			});
			const created = sandbox.requests.find((r) => r.path === '/api/oem-api/organization')!.body as any;
			expect(created.data.name).toMatch(/^Contoso \w+$/);
		});

		test('scheduled-sync: on a fresh organization creates every integration, then syncs only changed revisions', async () => {
			const demo = sandbox.demoOrganizationToken;
			// as after a fresh `npm start`: the demo organization has no integration
			expect(integrationsOf(demo)).toEqual([]);
			await n8n.importWorkflows([wf.loadExample(wf.EXAMPLES.scheduledSync.file)]);

			sandbox.clearRequests();
			const first = await execute(wf.EXAMPLES.scheduledSync.id);
			expect(first.status).toBe('success');
			const vault = [wf.VENDOR.northwind, wf.VENDOR.bluefin, wf.VENDOR.harbor, wf.VENDOR.summit];
			// one Integration: List for the four items, then one create each
			expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
				'POST /api/oem-api/integration/list',
				...vault.map(() => 'POST /api/oem-api/integration'),
			]);
			const stored = Object.fromEntries(integrationsOf(demo).map((i: any) => [i.vendorId, i.credentials]));
			expect(Object.keys(stored).sort()).toEqual([...vault].sort());
			expect(stored[wf.VENDOR.bluefin]).toEqual({ 'api user': 'svc-bluefin', 'api key': 'bf-key-from-vault', 'api secret': 'bf-secret-from-vault' });
			expect(stored[wf.VENDOR.harbor]).toEqual({ 'tenant id': 'tenant-0042', 'api key': 'hb-key-from-vault', region: 'eu-west' });
			expect(nodeOutput(first, 'Remember synced revisions').map((r) => [r.vendor, r.action])).toEqual([
				['Northwind RMM', 'created'],
				['Bluefin PSA', 'created'],
				['Harbor Cloud Backup', 'created'],
				['Summit License Distribution', 'created'],
			]);

			// n8n saved the remembered revisions: the next run finds nothing to sync
			sandbox.clearRequests();
			const second = await execute(wf.EXAMPLES.scheduledSync.id);
			expect(second.status).toBe('success');
			expect(sandbox.requests).toEqual([]);
			expect(nodeOutput(second, 'What changed?')).toEqual([]);

			// a vault revision moves on (as left by an earlier sync, Bluefin's 5 was synced as 4): that one is updated
			const example = wf.loadExample(wf.EXAMPLES.scheduledSync.file);
			example.staticData = { global: { syncedRevisions: { [wf.VENDOR.northwind]: 1, [wf.VENDOR.bluefin]: 4, [wf.VENDOR.harbor]: 1, [wf.VENDOR.summit]: 3 } } };
			await n8n.importWorkflows([example]);
			sandbox.clearRequests();
			const third = await execute(wf.EXAMPLES.scheduledSync.id);
			expect(third.status).toBe('success');
			const bluefinId = integrationsOf(demo).find((i: any) => i.vendorId === wf.VENDOR.bluefin)!.id;
			expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
				'POST /api/oem-api/integration/list',
				`PATCH /api/oem-api/integration/${bluefinId}`,
			]);
			expect(nodeOutput(third, 'Remember synced revisions')).toEqual([
				{ integrationId: bluefinId, vendorId: wf.VENDOR.bluefin, vendor: 'Bluefin PSA', revision: 5, action: 'updated' },
			]);
		});
	});

	test('n8n tried to reach no host beyond loopback', () => {
		const lookups = n8n.logText().match(/(?:ENOTFOUND|EAI_AGAIN) [\w.-]+/g) ?? [];
		expect([...new Set(lookups)]).toEqual([]);
	});

	describe('secrets', () => {
		test('no client secret and no $env secret anywhere: log, database (executions, errors), user folder', () => {
			// positive control: the scanner does see what the executions stored
			expect(scanInstance(n8n, [DEFAULT_SEED.vendors[0].name]).length).toBeGreaterThan(0);
			const hits = scanInstance(n8n, [sandbox.credentials.clientSecret, wf.WRONG_SECRET, errorsToken, envSecrets.key, envSecrets.secret]);
			expect(hits).toEqual([]);
		});

		test('secrets taken from input items appear only where n8n keeps that input item', () => {
			const secrets: Record<string, string> = { ...opsInput };
			const db = n8n.readDatabase();
			const executions = db.executions.filter((e) => e.workflowId === 'e2eOps');
			expect(executions.length).toBeGreaterThan(0);
			const where = new Set<string>();
			const field = (p: string) => p.replace(/\.json\..*$/, '.json.*');
			for (const e of executions) {
				for (const hit of locateSecrets(e.data, secrets)) where.add(`execution data ${field(hit.path)}`);
				for (const hit of locateSecrets(e.workflowData, secrets)) where.add(`execution's workflow ${hit.path}`);
			}
			for (const w of db.workflows.filter((w) => w.id === 'e2eOps')) {
				for (const hit of locateSecrets(w.nodes, secrets)) where.add(`workflow ${hit.path}`);
			}
			// n8n keeps the Input node's code (its parameters) and its output item; nothing else,
			// in particular nothing of our nodes (outputs, errors, parameters resolved)
			const inputNode = db.workflows.find((w) => w.id === 'e2eOps')!.nodes.findIndex((node: any) => node.name === 'Input');
			expect([...where].sort()).toEqual(
				[
					`execution data $.resultData.runData.Input[0].data.main[0][0].json.*`,
					`execution's workflow $.nodes[${inputNode}].parameters.jsCode`,
					`workflow $[${inputNode}].parameters.jsCode`,
				].sort(),
			);
			// the log: only `n8n execute --rawOutput` printing that run (the item is part of it)
			const logLines = n8n
				.logText()
				.split('\n')
				.filter((line) => Object.values(secrets).some((value) => line.includes(value)));
			expect(logLines.length).toBeGreaterThan(0);
			for (const line of logLines) expect(parseExecuteOutput(line)?.data?.resultData?.runData?.Input).toBeDefined();
		});
	});
});

/** The arguments the "model" passes to the two tools. */
const TOOL_ARGS = {
	findVendor: { vendorName: 'harbor' },
	createIntegration: {
		vendorId: wf.VENDOR.harbor,
		apiUsername: 'agent-chosen-user',
		apiSecret: 'agent-chosen-secret',
		tenantId: 'agent-chosen-tenant',
	},
};
