/**
 * Parameters are read once per execution when they hold no expression (n8n's getNodeParameter
 * copies and resolves a parameter on every call), and for each item when they hold one anywhere:
 * at the top, in a resource locator, a fixed collection entry or a mapped field. Either way each
 * item gets what n8n's own per-item read gives: defaults, resource locator values, its own errors.
 */
import { ExecuteContext } from 'n8n-core';

import { BULK_TOKEN, bulkIntegrationId, bulkSeed } from '../../scripts/lib/fixtures';
import { byId, templateFields } from '../helpers/parameters';
import { useSandbox } from '../helpers/useSandbox';
import { runNode, type RunOptions } from '../helpers/workflow';

const env = useSandbox({ seed: bulkSeed(3) });

/** Runs the node and counts n8n's parameter reads (each one a copy and a resolution) by name. */
async function runCounting(options: Omit<RunOptions, 'credentials'>) {
	const spy = jest.spyOn(ExecuteContext.prototype as unknown as { _getNodeParameter: (name: string) => unknown }, '_getNodeParameter');
	try {
		const result = await runNode({ credentials: env.credentials, ...options });
		const reads: Record<string, number> = {};
		for (const [name] of spy.mock.calls) reads[name] = (reads[name] ?? 0) + 1;
		return { ...result, reads };
	} finally {
		spy.mockRestore();
	}
}

const stored = (index: number) => env.sandbox.state().integrations.find((entry) => entry.id === bulkIntegrationId(index))!.credentials;
const updates = () => env.sandbox.requests.filter((request) => request.method === 'PATCH');
const items = [0, 1, 2].map((i) => ({ id: bulkIntegrationId(i), key: `key-${i}`, 'api key': `auto-key-${i}`, 'api username': `auto-user-${i}` }));
const update = (overrides: Record<string, unknown>) => ({ resource: 'integration', operation: 'update', organizationOemToken: BULK_TOKEN, ...overrides });

describe('a parameter without an expression is read once per execution', () => {
	it('Key/Value Pairs with nested expressions: those are read for each item, the rest once; each item sends its own values', async () => {
		const { output, reads } = await runCounting({
			parameters: update({
				integrationId: byId('={{ $json.id }}'),
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: 'api key', value: '={{ $json.key }}' }, { key: 'api username', value: 'svc-fixed' }] },
				options: { maxRetries: 2 },
			}),
			items,
		});
		expect(output.map((item) => item.json.id)).toEqual(items.map((item) => item.id));
		expect([0, 1, 2].map(stored)).toEqual([0, 1, 2].map((i) => ({ 'api key': `key-${i}`, 'api username': 'svc-fixed' })));
		// Options: once for the items, and once before them to set Items at Once.
		expect(reads).toMatchObject({ organizationOemToken: 1, credentialsMode: 1, removeBlankFields: 1, options: 2, integrationId: 3, credentialValues: 3 });
	});

	it('everything literal (a resource locator from the list too): every parameter is read once, and output and requests equal those of expressions giving the same values', async () => {
		const literal = update({
			integrationId: { __rl: true, mode: 'list', value: bulkIntegrationId(1), cachedResultName: 'Bulk vendor 1' },
			credentialsMode: 'keyValue',
			credentialValues: { values: [{ key: 'api key', value: 'rotated' }, { key: 'api username', value: 'svc' }] },
		});
		const expressions = update({
			organizationOemToken: `={{ '${BULK_TOKEN}' }}`,
			integrationId: { __rl: true, mode: 'list', value: `={{ '${bulkIntegrationId(1)}' }}` },
			credentialsMode: 'keyValue',
			credentialValues: { values: [{ key: '={{ "api key" }}', value: '={{ "rotated" }}' }, { key: 'api username', value: '={{ "svc" }}' }] },
		});
		const once = await runCounting({ parameters: literal, items });
		const sentOnce = updates().map((request) => [request.path, request.rawBody]);
		env.sandbox.reset();
		const perItem = await runCounting({ parameters: expressions, items });
		expect(once.output).toEqual(perItem.output);
		expect(once.output).toHaveLength(3);
		expect(sentOnce).toEqual(updates().map((request) => [request.path, request.rawBody]));
		expect(sentOnce).toHaveLength(3);
		expect(once.reads).toMatchObject({ organizationOemToken: 1, integrationId: 1, credentialValues: 1 });
		expect(perItem.reads).toMatchObject({ organizationOemToken: 3, integrationId: 3, credentialValues: 3 });
	});

	it('Vendor Template, Map Automatically: the mapping is read once and each item sends its own input fields', async () => {
		const { output, reads } = await runCounting({
			parameters: update({
				integrationId: byId('={{ $json.id }}'),
				credentialsMode: 'template',
				credentialFields: { ...templateFields({ 'api key': '', 'api username': '' }), mappingMode: 'autoMapInputData', value: null },
			}),
			items,
		});
		expect(output).toHaveLength(3);
		expect([0, 1, 2].map(stored)).toEqual([0, 1, 2].map((i) => ({ 'api key': `auto-key-${i}`, 'api username': `auto-user-${i}` })));
		expect(reads).toMatchObject({ credentialFields: 1, integrationId: 3 });
	});

	it('Vendor Template, a mapped field that is an expression: the mapping is read for each item', async () => {
		await runCounting({
			parameters: update({
				integrationId: byId('={{ $json.id }}'),
				credentialsMode: 'template',
				credentialFields: templateFields({ 'api key': '={{ $json.key }}', 'api username': 'svc-fixed' }),
			}),
			items,
		});
		expect([0, 1, 2].map(stored)).toEqual([0, 1, 2].map((i) => ({ 'api key': `key-${i}`, 'api username': 'svc-fixed' })));
	});
});

describe('what is read once is what each item would have read', () => {
	it('defaults apply to parameters not set: Credentials Input is Vendor Template with no fields, and each item fails with its own index', async () => {
		const { output, reads } = await runCounting({
			parameters: update({ integrationId: byId('={{ $json.id }}') }),
			items: items.slice(0, 2),
			continueOnFail: true,
		});
		expect(output.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['No credential values were given', { item: 0 }],
			['No credential values were given', { item: 1 }],
		]);
		expect(reads.credentialsMode).toBe(1);
		expect(updates()).toHaveLength(0);
	});

	it('Allow Removing Stored Keys not set is off for every item: each update that drops a key fails, naming its own item', async () => {
		const { output } = await runCounting({
			parameters: update({
				integrationId: byId('={{ $json.id }}'),
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: 'api key', value: 'only-this' }] },
			}),
			items: items.slice(0, 2),
			continueOnFail: true,
		});
		expect(output.map((item) => item.json.error)).toEqual([
			'The update for item 0 would delete the stored credential key "api username"',
			'The update for item 1 would delete the stored credential key "api username"',
		]);
		expect(updates()).toHaveLength(0);
	});

	it('a blank literal token fails every item with its own index, before anything is sent', async () => {
		const { output } = await runCounting({
			parameters: update({
				organizationOemToken: '   ',
				integrationId: byId(bulkIntegrationId(0)),
				credentialsMode: 'json',
				credentialsJson: '{"api key": "k", "api username": "u"}',
			}),
			items: items.slice(0, 2),
			continueOnFail: true,
		});
		expect(output.map((item) => item.json.error)).toEqual([
			"The 'Organization OEM Token' parameter is empty for item 0",
			"The 'Organization OEM Token' parameter is empty for item 1",
		]);
		expect(env.sandbox.requests).toHaveLength(0);
	});
});
