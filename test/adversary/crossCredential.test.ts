/**
 * Adversary (runner/waits): per-item credentials and the write-order chain. A Base URL that is an
 * expression sends items to different servers (production and its staging copy, a clone that
 * shares tokens and integration ids). The chain of writes to one integration is keyed on token +
 * integration id only, so item 1 (staging) takes item 0's (production) result as what its own
 * integration stores, and its update passes the stored-key guard against the wrong server.
 */
import { DEFAULT_SEED, startSandbox, type RunningSandbox } from '../../sandbox';
import { runNode } from '../helpers/workflow';

const SECRET = 'adv-shared-secret-Zq81';
const TOKEN = 'adv-cloned-org-token-0001';
const INTEGRATION_ID = '67ae3bcff05cb32e0cb6a0a1';
const VENDOR_ID = '43211235';

const seed = (integrationCredentials: Record<string, string>) => ({
	vendors: DEFAULT_SEED.vendors,
	organizations: [
		{
			name: 'Cloned Org',
			email: 'owner@cloned.example',
			vendorOrganizationId: 'cloned-1',
			organizationOemToken: TOKEN,
			integrations: [{ id: INTEGRATION_ID, vendorId: VENDOR_ID, integrationCredentials }],
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

const storedKeys = (sandbox: RunningSandbox) =>
	Object.keys(sandbox.state().integrations.find((i) => i.id === INTEGRATION_ID)!.credentials).sort();

test('FINDING: an update for item 1 (staging) is checked against item 0\'s server (production) and drops a stored key without the opt-in', async () => {
	const outcome = await runNode({
		credentials: { baseUrl: '={{ $json.server }}', clientId: production.credentials.clientId, clientSecret: SECRET },
		parameters: {
			resource: 'integration',
			operation: 'update',
			organizationOemToken: TOKEN,
			integrationId: { __rl: true, mode: 'id', value: INTEGRATION_ID },
			credentialsMode: 'keyValue',
			credentialValues: { values: [{ key: 'api key', value: 'new-key' }] },
			options: { concurrency: 2 },
		},
		items: [{ server: production.url }, { server: staging.url }],
		continueOnFail: true,
	});
	// Without "Allow Removing Stored Keys", staging's "api secret" must survive (item 1 refused).
	expect(storedKeys(staging)).toEqual(['api key', 'api secret']);
	expect(String(outcome.output[1].json.error ?? '')).toContain('api secret');
});

test('FINDING: Create or Update for item 1 (staging) reuses the integration item 0 created on production', async () => {
	// Neither server has an integration for the second vendor yet.
	const vendorId = DEFAULT_SEED.vendors![1].id;
	const outcome = await runNode({
		credentials: { baseUrl: '={{ $json.server }}', clientId: production.credentials.clientId, clientSecret: SECRET },
		parameters: {
			resource: 'integration',
			operation: 'upsert',
			organizationOemToken: TOKEN,
			vendorId: { __rl: true, mode: 'id', value: vendorId },
			credentialsMode: 'keyValue',
			credentialValues: { values: [{ key: 'api key', value: 'new-key' }] },
		},
		items: [{ server: production.url }, { server: staging.url }],
		continueOnFail: true,
	});
	// Each server should now have its own integration for the vendor, each item "created".
	expect(outcome.output.map((item) => item.json.action ?? item.json.error)).toEqual(['created', 'created']);
	expect(staging.state().integrations.filter((i) => i.vendorId === vendorId)).toHaveLength(1);
});
