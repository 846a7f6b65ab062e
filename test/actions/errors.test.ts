import type { INodeExecutionData } from 'n8n-workflow';

import { useSandbox } from '../helpers/useSandbox';
import { findSecrets, nodeRunText } from '../helpers/secrets';
import { runNode } from '../helpers/workflow';

const env = useSandbox();

const TOKEN = 'demo-org-oem-token';
const createParameters = (overrides: Record<string, unknown> = {}) => ({
	resource: 'integration',
	operation: 'create',
	organizationOemToken: TOKEN,
	vendorId: { __rl: true, mode: 'id', value: '43211235' },
	credentialsMode: 'keyValue',
	credentialValues: { values: [{ key: 'api key', value: 'valid-Secret-123' }] },
	...overrides,
});

function errorOf(run: Awaited<ReturnType<typeof runNode>>['run']) {
	const error = run.data.resultData.error as (Error & { description?: string; httpCode?: string }) | undefined;
	expect(error).toBeDefined();
	return error!;
}

describe('bad input fails before any request, naming the field', () => {
	it.each([
		// Literal empty required parameters are refused by n8n itself; data from an expression reaches us.
		['an empty token', { organizationOemToken: '={{ "" }}' }, "The 'Organization OEM Token' parameter is empty for item 0"],
		['a blank vendor id', { vendorId: { __rl: true, mode: 'id', value: '={{ "  " }}' } }, "The 'Vendor' parameter is empty for item 0"],
		['no credential values', { credentialValues: { values: [] } }, 'No credential values were given'],
		[
			'a value that is not text',
			{ credentialValues: { values: [{ key: 'api key', value: '={{ 42 }}' }] } },
			'The credential value for key "api key" must be text, not number',
		],
		[
			'a duplicate key',
			{ credentialValues: { values: [{ key: 'api key', value: 'a-value-1' }, { key: 'api key', value: 'a-value-2' }] } },
			'The credential key "api key" is given twice in Credential Values',
		],
		['malformed JSON', { credentialsMode: 'json', credentialsJson: '{"api key": ' }, "The 'Credentials (JSON)' parameter is not valid JSON"],
		['JSON that is not an object', { credentialsMode: 'json', credentialsJson: '["api key"]' }, "The 'Credentials (JSON)' parameter must be a JSON object"],
	])('%s', async (_case, overrides, message) => {
		const { run } = await runNode({ credentials: env.credentials, parameters: createParameters(overrides) });
		expect(errorOf(run).message).toBe(message);
		expect(env.sandbox.requests).toHaveLength(0);
	});

	it('an Integration: Update without an id', async () => {
		const { run } = await runNode({
			credentials: env.credentials,
			parameters: {
				...createParameters(),
				operation: 'update',
				integrationId: { __rl: true, mode: 'id', value: '={{ $json.missing }}' },
			},
		});
		expect(errorOf(run).message).toBe("The 'Integration' parameter is empty for item 0");
		expect(env.sandbox.requests).toHaveLength(0);
	});
});

describe('API errors become NodeApiErrors in the user words, with the API message', () => {
	it('401: wrong client secret', async () => {
		const result = await runNode({
			credentials: { ...env.credentials, clientSecret: 'wrong-Client-Secret-9' },
			parameters: { resource: 'vendor', operation: 'list', returnAll: true },
		});
		const error = errorOf(result.run);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(
			/^Could not list the vendors: the client credentials were rejected \(401\): check the Client ID, Client Secret/,
		);
		expect(error.httpCode).toBe('401');
		expect(error.description).toMatch(/^The API said: /);
		expect(findSecrets(nodeRunText(result), ['wrong-Client-Secret-9', env.credentials.clientSecret as string])).toEqual([]);
		// 401s are not retried (by us or by n8n's helper).
		expect(env.sandbox.requests).toHaveLength(1);
	});

	it('403: unknown organization token', async () => {
		const result = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'integration', operation: 'list', organizationOemToken: '={{ $json.token }}', returnAll: true },
			items: [{ token: 'unknown-Token-4411' }],
		});
		const error = errorOf(result.run);
		expect(error.message).toBe(
			"Could not list the organization's integrations: the organization OEM token was rejected (403): check the Organization OEM Token parameter",
		);
		expect(error.description).toMatch(/^The API said: .+/);
		expect(findSecrets(nodeRunText(result), ['unknown-Token-4411'])).toEqual([]);
	});

	it('404: unknown vendor on create', async () => {
		const { run } = await runNode({
			credentials: env.credentials,
			parameters: createParameters({ vendorId: { __rl: true, mode: 'id', value: 'no-such-vendor' } }),
		});
		expect(errorOf(run).message).toBe(
			'Could not create the integration: not found (404): no vendor with this ID exists; pick one from Vendor: List',
		);
	});

	it('409: a second integration of the same vendor', async () => {
		await runNode({ credentials: env.credentials, parameters: createParameters() });
		const { run } = await runNode({ credentials: env.credentials, parameters: createParameters() });
		const error = errorOf(run);
		expect(error.message).toMatch(/^Could not create the integration: it already exists \(409\): this organization already has an integration for this vendor; use Integration: Update/);
		expect(error.httpCode).toBe('409');
		// A 409 is an answer, not a fault: the create is not retried.
		expect(env.sandbox.requests).toHaveLength(2);
	});
});

describe('Continue On Fail', () => {
	it('turns each failed item into one paired error item while the others run', async () => {
		const result = await runNode({
			credentials: env.credentials,
			continueOnFail: true,
			parameters: createParameters({
				organizationOemToken: '={{ $json.token }}',
				vendorId: { __rl: true, mode: 'id', value: '={{ $json.vendor }}' },
				credentialValues: { values: [{ key: 'api key', value: '={{ $json.secret }}' }] },
			}),
			items: [
				{ token: TOKEN, vendor: '43211235', secret: 'first-Secret-aaa' },
				{ token: TOKEN, vendor: 'missing-vendor', secret: 'second-Secret-bbb' },
				{ token: '', vendor: '90017', secret: 'third-Secret-ccc' },
				{ token: TOKEN, vendor: '90017', secret: 'fourth-Secret-ddd' },
			],
		});
		const { output, run } = result;
		expect(run.data.resultData.error).toBeUndefined();
		const summary = output.map((item: INodeExecutionData) => [item.pairedItem, item.json.error ?? item.json.vendorId]);
		expect(summary).toEqual([
			[{ item: 0 }, '43211235'],
			[{ item: 1 }, 'Could not create the integration: not found (404): no vendor with this ID exists; pick one from Vendor: List'],
			[{ item: 2 }, "The 'Organization OEM Token' parameter is empty for item 2"],
			[{ item: 3 }, '90017'],
		]);
		expect(output[1].json.httpCode).toBe('404');
		const secrets = ['first-Secret-aaa', 'second-Secret-bbb', 'third-Secret-ccc', 'fourth-Secret-ddd', TOKEN];
		expect(findSecrets(nodeRunText(result), secrets)).toEqual([]);
	});

	it('without it, the first failing item stops the node with its item index', async () => {
		const { run } = await runNode({
			credentials: env.credentials,
			parameters: createParameters({ vendorId: { __rl: true, mode: 'id', value: '={{ $json.vendor }}' } }),
			items: [{ vendor: 'missing-one' }, { vendor: '43211235' }],
		});
		const error = errorOf(run) as Error & { context?: { itemIndex?: number } };
		expect(error.message).toMatch(/not found \(404\)/);
		expect(error.context?.itemIndex).toBe(0);
	});
});

describe('a huge error answer is described from its start, without scanning it all', () => {
	const MB = 1 << 20;
	const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
	// Each of these once took from seconds to hours of blocked event loop: a regex rescanned the
	// rest of the answer from every key word, tag or space run in it. A synchronous scan is not cut
	// short by a test timeout, so a regression shows as this suite never finishing.
	it.each([
		['one long word of key names', fill('token'), 'The API said: tokentokentoken'],
		['a key followed by a megabyte of spaces', `token:${' '.repeat(MB)}x`, 'The API said: token:…'],
		['unclosed titles', `<html>${fill('<title>')}`, 'The API answered with an HTML page instead of JSON'],
		['unclosed headings', `<html>${fill('<h1 class="x"')}`, 'The API answered with an HTML page instead of JSON'],
		['JSON nested too deeply to rebuild', `${'['.repeat(MB / 2)}${']'.repeat(MB / 2)}`, 'The API said: [[[['],
	])('%s (1 MB)', async (_shape, body, start) => {
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 500, body, contentType: 'text/plain' });
		const { run } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'vendor', operation: 'list', returnAll: true, options: { maxRetries: 0, retryDelay: 1 } },
		});
		const error = errorOf(run);
		expect(error.message).toMatch(/server error \(500\)/);
		expect(error.description!.startsWith(start)).toBe(true);
		expect(error.description!.length).toBeLessThan(1_000);
	}, 30_000);
});
