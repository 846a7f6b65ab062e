import { DEFAULT_SEED, OTHER_ORGANIZATION_INTEGRATION_ID, OTHER_ORGANIZATION_TOKEN } from '../../sandbox';
import { getCredentialFields } from '../../nodes/OemIntegration/methods/resourceMapping';
import { searchIntegrations, searchVendors } from '../../nodes/OemIntegration/methods/listSearch';
import { useSandbox } from '../helpers/useSandbox';
import { loadOptionsContext } from '../helpers/workflow';

const env = useSandbox();

const context = (parameters: Record<string, unknown>) =>
	loadOptionsContext(env.credentials, { resource: 'integration', ...parameters } as never);

describe('editor methods, against the sandbox', () => {
	it('the vendor dropdown lists every vendor by name, searchable, saying which are not active or not credential-based', async () => {
		const all = await searchVendors.call(context({ operation: 'create' }));
		expect(all.results.map((result) => result.name)).toEqual([
			'Bluefin PSA',
			'Harbor Cloud Backup',
			'Lighthouse Security Awareness (external)',
			'Northwind RMM',
			'Quartz Email Security (inactive)',
			'Relay Telecom (inactive, external)',
			'Summit License Distribution',
		]);
		expect(all.results.map((result) => result.value).sort()).toEqual(DEFAULT_SEED.vendors.map((vendor) => vendor.id).sort());
		expect(all.results.find((result) => result.name === 'Northwind RMM')?.value).toBe('43211235');

		const filtered = await searchVendors.call(context({ operation: 'create' }), 'SUMMIT');
		expect(filtered.results).toEqual([
			{ name: 'Summit License Distribution', value: '90017', description: 'Status: active · Type: custom_hosted · ID 90017' },
		]);
		const quartz = all.results.find((result) => result.value === DEFAULT_SEED.vendors[4].id);
		expect(quartz?.description).toBe(`Status: inactive · Type: custom_hosted · ID ${DEFAULT_SEED.vendors[4].id}`);
		expect(env.sandbox.requests.map((request) => request.path)).toEqual(['/api/oem-api/vendor', '/api/oem-api/vendor']);
	});

	it("the integration dropdown lists the organization's integrations by vendor name and id", async () => {
		const { results } = await searchIntegrations.call(
			context({ operation: 'update', organizationOemToken: OTHER_ORGANIZATION_TOKEN }),
		);
		const stored = env.sandbox.state().integrations.find((entry) => entry.id === OTHER_ORGANIZATION_INTEGRATION_ID)!;
		const vendorName = DEFAULT_SEED.vendors.find((vendor) => vendor.id === stored.vendorId)!.name;
		expect(results).toContainEqual({
			name: `${vendorName} (${OTHER_ORGANIZATION_INTEGRATION_ID})`,
			value: OTHER_ORGANIZATION_INTEGRATION_ID,
		});
		const tokens = env.sandbox.requests.map((request) => (request.body as { organizationOemToken?: string }).organizationOemToken);
		expect(tokens).toContain(OTHER_ORGANIZATION_TOKEN);
	});

	it('the integration dropdown asks for a token, and says an expression cannot be read while editing', async () => {
		await expect(
			searchIntegrations.call(context({ operation: 'update', organizationOemToken: '' })),
		).rejects.toThrow('Enter the Organization OEM Token to list its integrations');
		const byExpression = searchIntegrations.call(context({ operation: 'update', organizationOemToken: '={{ $json.token }}' }));
		await expect(byExpression).rejects.toThrow('The Organization OEM Token is an expression, which cannot be evaluated while editing');
		await expect(byExpression).rejects.toMatchObject({ description: expect.stringContaining('Choose the integration By ID instead') });
		expect(env.sandbox.requests).toHaveLength(0);
	});

	it('the credential fields point to JSON mode when the vendor comes from an expression (an AI tool), upsert alike', async () => {
		for (const operation of ['create', 'upsert']) {
			const result = await getCredentialFields.call(
				context({ operation, vendorId: { __rl: true, mode: 'id', value: "={{ $fromAI('vendorId') }}" } }),
			);
			expect(result.fields).toEqual([]);
			expect(result.emptyFieldsNotice).toMatch(/^The vendor is set by an expression \(or chosen by the AI model\).*set Credentials Input to JSON/);
		}
		const upsert = await getCredentialFields.call(context({ operation: 'upsert', vendorId: { __rl: true, mode: 'list', value: '90017' } }));
		expect(upsert.fields.map((field) => field.id)).toEqual(['api username', 'api secret', 'tenant id']);
		expect(env.sandbox.requests).toHaveLength(1);
	});

	it("the credential fields on create are the chosen vendor's template keys, verbatim", async () => {
		const { fields } = await getCredentialFields.call(
			context({ operation: 'create', vendorId: { __rl: true, mode: 'list', value: '67ae3bcff05cb32e0cb6d9a2' } }),
		);
		expect(fields.map((field) => field.id)).toEqual(['tenant id', 'api key', 'region']);
		expect(fields[0]).toEqual({
			id: 'tenant id',
			displayName: 'tenant id',
			type: 'string',
			required: false,
			defaultMatch: false,
			display: true,
		});
		// One request per load, however many fields.
		expect(env.sandbox.requests).toHaveLength(1);
	});

	it("the credential fields on update are the integration's vendor template plus the integration's own keys", async () => {
		const stored = env.sandbox.state().integrations.find((entry) => entry.id === OTHER_ORGANIZATION_INTEGRATION_ID)!;
		const vendorKeys = Object.keys(DEFAULT_SEED.vendors.find((vendor) => vendor.id === stored.vendorId)!.integrationCredentialTemplate);
		const { fields } = await getCredentialFields.call(
			context({
				operation: 'update',
				organizationOemToken: OTHER_ORGANIZATION_TOKEN,
				integrationId: { __rl: true, mode: 'id', value: OTHER_ORGANIZATION_INTEGRATION_ID },
			}),
		);
		const expected = [...vendorKeys, ...Object.keys(stored.credentials).filter((key) => !vendorKeys.includes(key))];
		expect(fields.map((field) => field.id)).toEqual(expected);
	});

	it('the credential fields wait for a vendor to be chosen', async () => {
		const result = await getCredentialFields.call(context({ operation: 'create', vendorId: { __rl: true, mode: 'list', value: '' } }));
		expect(result).toEqual({ fields: [], emptyFieldsNotice: 'Select a vendor first' });
		expect(env.sandbox.requests).toHaveLength(0);
	});
});
