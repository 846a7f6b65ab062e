import { DEFAULT_SEED } from '../../sandbox';
import { useSandbox } from '../helpers/useSandbox';
import { runNode } from '../helpers/workflow';

const env = useSandbox();

describe('Vendor: List', () => {
	it('sends only the client credentials and returns one paired item per vendor, templates as objects', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'vendor', operation: 'list', returnAll: true },
		});

		expect(env.sandbox.requests).toHaveLength(1);
		const [request] = env.sandbox.requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/api/oem-api/vendor');
		expect(request.headers['content-type']).toContain('application/json');
		expect(JSON.parse(request.rawBody)).toEqual({
			clientId: env.credentials.clientId,
			clientSecret: env.credentials.clientSecret,
			grantType: 'client_credentials',
			scope: 'vendor_manage',
		});

		expect(output).toHaveLength(DEFAULT_SEED.vendors.length);
		expect(output.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		const northwind = output.find((item) => item.json.id === '43211235')!;
		expect(northwind.json).toEqual({
			id: '43211235',
			name: 'Northwind RMM',
			integrationStatus: 'active',
			integrationType: 'custom_hosted',
			integrationCredentialTemplate: { 'api key': '', 'api username': '' },
			credentialKeys: ['api key', 'api username'],
		});
	});

	it.each([
		[{ nameContains: 'HARBOR' }, ['Harbor Cloud Backup']],
		[{ integrationStatus: 'inactive' }, ['Quartz Email Security', 'Relay Telecom']],
		[{ integrationType: 'external', integrationStatus: 'active' }, ['Lighthouse Security Awareness']],
	])('filters by %j', async (filters, names) => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'vendor', operation: 'list', returnAll: true, filters },
		});
		expect(output.map((item) => item.json.name).sort()).toEqual(names);
	});

	it('returns at most Limit vendors unless Return All is on', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'vendor', operation: 'list', returnAll: false, limit: 2 },
		});
		expect(output).toHaveLength(2);
	});

	it('reads filters per item and pairs each item with the input that asked for it, with one request', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'vendor',
				operation: 'list',
				returnAll: true,
				filters: { nameContains: '={{ $json.vendorName }}' },
			},
			items: [{ vendorName: 'northwind' }, { vendorName: 'summit' }, { vendorName: 'nothing like it' }],
		});
		expect(output.map((item) => [item.json.name, item.pairedItem])).toEqual([
			['Northwind RMM', { item: 0 }],
			['Summit License Distribution', { item: 1 }],
		]);
		// The request is the same for every item: it is sent once per execution.
		expect(env.sandbox.requests).toHaveLength(1);
	});
});
