/**
 * A credential whose fields are expressions: n8n resolves them for each item (item data, the
 * item's index, other nodes' items, the time...), so each item's requests must go where its own
 * resolution says, with its own client credentials; a credential without expressions is still
 * read once per execution.
 */
import { MspcOemApi } from '../../credentials/MspcOemApi.credentials';
import { DEFAULT_SEED, startSandbox, type RunningSandbox } from '../../sandbox';
import { organizationParameters } from '../helpers/parameters';
import { runNode } from '../helpers/workflow';

const SECRET = 'shared-secret-Kp41vQ';
let east: RunningSandbox;
let west: RunningSandbox;

beforeAll(async () => {
	[east, west] = await Promise.all([
		startSandbox({ clientId: 'east-client', clientSecret: SECRET }),
		startSandbox({ clientId: 'west-client', clientSecret: SECRET }),
	]);
});
beforeEach(() => {
	east.reset();
	west.reset();
});
afterAll(async () => await Promise.all([east.stop(), west.stop()]));

/** The credential's Base URL and Client ID come from the item. */
const perItemCredential = { baseUrl: '={{ $json.server }}', clientId: '={{ $json.clientId }}', clientSecret: SECRET };
const itemFor = (sandbox: RunningSandbox, extra: object = {}) => ({ server: sandbox.url, clientId: sandbox.credentials.clientId, ...extra });
const ORGANIZATION_CREATE = organizationParameters();
const clientIds = (sandbox: RunningSandbox) => sandbox.requests.map((request) => (request.body as { clientId?: string }).clientId);

describe('a credential with expressions is resolved for each item', () => {
	it("Organization: Create: each item's request reaches its own server with its own client id, and its token comes from there", async () => {
		const { output, credentialReads } = await runNode({
			credentials: perItemCredential,
			parameters: ORGANIZATION_CREATE,
			items: [
				itemFor(east, { company: 'East MSP', email: 'owner@east.example' }),
				itemFor(west, { company: 'West MSP', email: 'owner@west.example' }),
			],
		});
		expect(clientIds(east)).toEqual(['east-client']);
		expect(clientIds(west)).toEqual(['west-client']);
		const [eastToken, westToken] = output.map((item) => item.json.organizationOemToken);
		expect(east.state().organizations.map((org) => org.organizationOemToken)).toContain(eastToken);
		expect(west.state().organizations.map((org) => org.organizationOemToken)).toContain(westToken);
		expect(credentialReads).toBe(2);
	});

	it('Vendor: List (a read items share) asks each server once, and a retry does not read the credential again', async () => {
		east.injectNext({ status: 503 });
		const { output, credentialReads } = await runNode({
			credentials: perItemCredential,
			parameters: { resource: 'vendor', operation: 'list', returnAll: true, options: { retryDelay: 1 } },
			items: [itemFor(east), itemFor(west), itemFor(west)],
		});
		expect(clientIds(east)).toEqual(['east-client', 'east-client']);
		expect(clientIds(west)).toEqual(['west-client']);
		const vendors = east.state().vendors.length;
		expect(output).toHaveLength(3 * vendors);
		expect(credentialReads).toBe(3);
	});

	it('an item whose resolution fails fails alone (Continue On Fail); the others still go to their own server', async () => {
		const { output } = await runNode({
			credentials: perItemCredential,
			parameters: { resource: 'vendor', operation: 'list', returnAll: true },
			items: [{ clientId: 'no-server' }, itemFor(west)],
			continueOnFail: true,
		});
		expect(output[0].json.error).toMatch(/Base URL/);
		expect(output.slice(1).every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 1)).toBe(true);
		expect(east.requests).toHaveLength(0);
		expect(clientIds(west)).toEqual(['west-client']);
	});
});

describe('an expression in any one field makes each item read its own', () => {
	const userFields = new MspcOemApi().properties.filter((property) => property.type !== 'hidden').map((property) => property.name);

	it.each(userFields)('%s', async (field) => {
		const literal: Record<string, string> = { baseUrl: east.url, clientId: 'east-client', clientSecret: SECRET, scope: 'vendor_manage' };
		// An expression that gives the very value: only its being an expression tells.
		const credentials = { ...literal, [field]: `={{ ${JSON.stringify(literal[field])} }}` };
		const { output, credentialReads } = await runNode({
			credentials,
			parameters: ORGANIZATION_CREATE,
			items: [0, 1, 2].map((i) => ({ company: `MSP ${i}`, email: `owner@msp${i}.example` })),
		});
		expect(output.map((item) => typeof item.json.organizationOemToken)).toEqual(['string', 'string', 'string']);
		expect(credentialReads).toBe(3);
	});
});

describe('a credential without expressions', () => {
	it('is read once per execution, whatever the number of items', async () => {
		const { output, credentialReads } = await runNode({
			credentials: { baseUrl: east.url, clientId: 'east-client', clientSecret: SECRET },
			parameters: ORGANIZATION_CREATE,
			items: Array.from({ length: 6 }, (_, i) => ({ company: `MSP ${i}`, email: `owner@msp${i}.example` })),
		});
		expect(output).toHaveLength(6);
		expect(credentialReads).toBe(1);
	});
});

describe('writes to one integration on two servers that share tokens and ids (production and its clone)', () => {
	const TOKEN = 'cloned-org-token-0001';
	const INTEGRATION_ID = '67ae3bcff05cb32e0cb6a0a1';
	const seed = (integrationCredentials: Record<string, string>) => ({
		vendors: DEFAULT_SEED.vendors,
		organizations: [
			{
				name: 'Cloned Org',
				email: 'owner@cloned.example',
				vendorOrganizationId: 'cloned-1',
				organizationOemToken: TOKEN,
				integrations: [{ id: INTEGRATION_ID, vendorId: '43211235', integrationCredentials }],
			},
		],
	});
	let production: RunningSandbox;
	let staging: RunningSandbox;
	beforeAll(async () => {
		[production, staging] = await Promise.all([
			startSandbox({ clientSecret: SECRET, seed: seed({ 'api key': 'prod-key' }) }),
			// Staging has diverged: it also stores an "api secret".
			startSandbox({ clientSecret: SECRET, seed: seed({ 'api key': 'staging-key', 'api secret': 'staging-secret' }) }),
		]);
	});
	beforeEach(() => {
		production.reset();
		staging.reset();
	});
	afterAll(async () => await Promise.all([production.stop(), staging.stop()]));

	const credentials = () => ({ baseUrl: '={{ $json.server }}', clientId: production.credentials.clientId, clientSecret: SECRET });
	const items = () => [{ server: production.url }, { server: staging.url }];
	const storedKeys = (sandbox: RunningSandbox) =>
		Object.keys(sandbox.state().integrations.find((i) => i.id === INTEGRATION_ID)!.credentials).sort();

	it("Integration: Update checks each item against its own server's stored keys, not the other item's write", async () => {
		const { output } = await runNode({
			credentials: credentials(),
			parameters: {
				resource: 'integration',
				operation: 'update',
				organizationOemToken: TOKEN,
				integrationId: { __rl: true, mode: 'id', value: INTEGRATION_ID },
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: 'api key', value: 'new-key' }] },
				options: { concurrency: 2 },
			},
			items: items(),
			continueOnFail: true,
		});
		// Without Allow Removing Stored Keys, staging's "api secret" survives: item 1 is refused.
		expect(storedKeys(staging)).toEqual(['api key', 'api secret']);
		expect(String(output[1].json.error ?? '')).toContain('api secret');
	});

	it("Integration: Create or Update creates on each server; item 1 does not take item 0's integration as its own", async () => {
		const vendorId = DEFAULT_SEED.vendors![1].id;
		const { output } = await runNode({
			credentials: credentials(),
			parameters: {
				resource: 'integration',
				operation: 'upsert',
				organizationOemToken: TOKEN,
				vendorId: { __rl: true, mode: 'id', value: vendorId },
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: 'api key', value: 'new-key' }] },
			},
			items: items(),
			continueOnFail: true,
		});
		expect(output.map((item) => item.json.action ?? item.json.error)).toEqual(['created', 'created']);
		expect(staging.state().integrations.filter((i) => i.vendorId === vendorId)).toHaveLength(1);
	});
});
