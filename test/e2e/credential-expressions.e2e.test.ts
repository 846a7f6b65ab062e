/**
 * A credential whose fields are expressions, in a real n8n (once per covered version): n8n
 * resolves them for each item, so each item's requests must reach the server its own resolution
 * names, with its own client id. And what a read costs: n8n queries its database for every read
 * of a credential, so with the database's query log on, the credential queries of an execution
 * show how often the node read it: once whatever the number of items when no field is an
 * expression, once per item when one is.
 *
 * Environment: as n8n.e2e.test.ts (N8N_E2E_VERSIONS, N8N_E2E_KEEP, ...).
 */
import { startSandbox, type RunningSandbox } from '../../sandbox';
import { CREDENTIAL_TYPE, ensureN8n, N8nInstance, versionsFromEnv, type CliResult } from '../../scripts/lib/n8n';
import { organizationParameters } from '../helpers/parameters';
import { nodeError, nodeOutput } from './harness';
import { chain, code, oem } from './workflows';

const VERSIONS = versionsFromEnv('N8N_E2E_VERSIONS');

const INSTALL_TIMEOUT_MS = 45 * 60_000;
const SETUP_TIMEOUT_MS = 5 * 60_000;
const SECRET = 'shared-secret-Wq93zT';
const PER_ITEM = { id: 'e2eCredPerItem', name: 'MSPC OEM per item' };
const PLAIN = { id: 'e2eCredPlain', name: 'MSPC OEM plain' };

/** Start → Items (the given JSON items) → our node with the given credential. */
function workflow(id: string, items: object[], credential: { id: string; name: string }, parameters: Record<string, unknown>) {
	return chain(id, `E2E ${id}`, [
		code('Items', `return ${JSON.stringify(items)}.map((json) => ({ json }));`),
		oem('MSPC OEM', parameters, { credentials: { [CREDENTIAL_TYPE]: credential } }),
	]);
}

const ORGANIZATION_CREATE = organizationParameters();
const VENDOR_LIST = { resource: 'vendor', operation: 'list', returnAll: true };

/** How often the execution queried n8n's database for a credential (the query log is on). */
const credentialQueries = (cli: CliResult) => cli.stdout.split('\n').filter((line) => /SELECT[^\n]*FROM "credentials_entity"/.test(line)).length;

describe.each(VERSIONS)('n8n %s: credential expressions', (version) => {
	let east: RunningSandbox;
	let west: RunningSandbox;
	let n8n: N8nInstance;
	const item = (sandbox: RunningSandbox, extra: object = {}) => ({ server: sandbox.url, clientId: sandbox.credentials.clientId, ...extra });
	const clientIds = (sandbox: RunningSandbox) => sandbox.requests.map((request) => (request.body as { clientId?: string }).clientId);

	beforeAll(async () => await ensureN8n(version), INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		[east, west] = await Promise.all([
			startSandbox({ clientId: 'east-client', clientSecret: SECRET }),
			startSandbox({ clientId: 'west-client', clientSecret: SECRET }),
		]);
		n8n = await N8nInstance.create({ version, env: { DB_LOGGING_ENABLED: 'true', DB_LOGGING_OPTIONS: 'query' } });
		await n8n.importCredentials([
			{ ...PER_ITEM, type: CREDENTIAL_TYPE, data: { baseUrl: '={{ $json.server }}', clientId: '={{ $json.clientId }}', clientSecret: SECRET } },
			{ ...PLAIN, type: CREDENTIAL_TYPE, data: { baseUrl: east.url, clientId: 'east-client', clientSecret: SECRET } },
		]);
		const companies = (n: number, sandbox?: RunningSandbox) =>
			Array.from({ length: n }, (_, i) => ({ ...(sandbox ? item(sandbox) : {}), i }));
		await n8n.importWorkflows([
			workflow('e2eCredRoute', [item(east, { company: 'East MSP', email: 'owner@east.example' }), item(west, { company: 'West MSP', email: 'owner@west.example' })], PER_ITEM, ORGANIZATION_CREATE),
			workflow('e2eCredPlain1', companies(1), PLAIN, VENDOR_LIST),
			workflow('e2eCredPlain4', companies(4), PLAIN, VENDOR_LIST),
			workflow('e2eCredItem1', companies(1, east), PER_ITEM, VENDOR_LIST),
			workflow('e2eCredItem4', companies(4, east), PER_ITEM, VENDOR_LIST),
		]);
	}, SETUP_TIMEOUT_MS);

	beforeEach(() => {
		east.reset();
		west.reset();
	});

	afterAll(async () => {
		await n8n?.dispose();
		await Promise.all([east?.stop(), west?.stop()]);
	});

	it("each item's request reaches its own server with its own client id, and its token comes from there", async () => {
		const run = await n8n.execute('e2eCredRoute');
		expect(nodeError(run, 'MSPC OEM')).toBeUndefined();
		expect(clientIds(east)).toEqual(['east-client']);
		expect(clientIds(west)).toEqual(['west-client']);
		const [eastToken, westToken] = nodeOutput(run, 'MSPC OEM').map((json) => json.organizationOemToken);
		expect(east.state().organizations.map((org) => org.organizationOemToken)).toContain(eastToken);
		expect(west.state().organizations.map((org) => org.organizationOemToken)).toContain(westToken);
	});

	it('without expressions the credential is read once per execution; with one, once per item', async () => {
		const queries: Record<string, number> = {};
		for (const id of ['e2eCredPlain1', 'e2eCredPlain4', 'e2eCredItem1', 'e2eCredItem4']) {
			const run = await n8n.execute(id);
			expect(nodeError(run, 'MSPC OEM')).toBeUndefined();
			queries[id] = credentialQueries(run.cli);
		}
		expect(queries.e2eCredPlain1).toBeGreaterThan(0); // the query log works
		expect(queries.e2eCredPlain4).toBe(queries.e2eCredPlain1);
		expect(queries.e2eCredItem4 - queries.e2eCredItem1).toBe(3);
	});
});
