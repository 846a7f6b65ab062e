/** Organization: Create, User: Add and User: Remove against the sandbox. */
import type { INodeExecutionData } from 'n8n-workflow';

import { OTHER_ORGANIZATION_TOKEN } from '../../sandbox';
import { useSandbox } from '../helpers/useSandbox';
import { organizationParameters } from '../helpers/parameters';
import { findSecrets, nodeRunText } from '../helpers/secrets';
import { runNode } from '../helpers/workflow';

const env = useSandbox();
const TOKEN = 'demo-org-oem-token';

const auth = () => ({
	clientId: env.credentials.clientId,
	clientSecret: env.credentials.clientSecret,
	grantType: 'client_credentials',
	scope: 'vendor_manage',
});


const userParameters = (overrides: Record<string, unknown> = {}) => ({
	resource: 'user',
	operation: 'add',
	email: '={{ $json.email }}',
	firstName: 'Uma',
	lastName: 'User',
	...overrides,
});

function errorOf(result: Awaited<ReturnType<typeof runNode>>) {
	const error = result.run.data.resultData.error as (Error & { description?: string; httpCode?: string }) | undefined;
	expect(error).toBeDefined();
	return error!;
}

const stateOrg = (token: string) => env.sandbox.state().organizations.find((org) => org.organizationOemToken === token);

describe('Organization: Create', () => {
	it('sends the exact body (optional fields left out) and outputs the new token with what was sent, paired', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: organizationParameters({ additionalFields: { vendorOrganizationId: '={{ $json.crmId }}' } }),
			items: [
				{ company: 'Contoso', email: 'casey@contoso.example', crmId: 'crm-1001' },
				{ company: 'Fabrikam', email: 'casey@fabrikam.example', crmId: '' },
			],
		});
		const [first, second] = env.sandbox.requests;
		expect(first.method).toBe('POST');
		expect(first.path).toBe('/api/oem-api/organization');
		expect(first.rawBody).toBe(
			JSON.stringify({
				...auth(),
				data: { name: 'Contoso', email: 'casey@contoso.example', firstName: 'Casey', lastName: 'Contoso', vendorOrganizationId: 'crm-1001' },
			}),
		);
		// an optional field that is empty is left out, never sent as ""
		expect(JSON.parse(second.rawBody).data).toEqual({ name: 'Fabrikam', email: 'casey@fabrikam.example', firstName: 'Casey', lastName: 'Contoso' });
		const contoso = env.sandbox.state().organizations.find((org) => org.name === 'Contoso')!;
		const fabrikam = env.sandbox.state().organizations.find((org) => org.name === 'Fabrikam')!;
		expect(contoso.vendorOrganizationId).toBe('crm-1001');
		expect(output).toEqual([
			{
				json: { organizationOemToken: contoso.organizationOemToken, name: 'Contoso', email: 'casey@contoso.example', vendorOrganizationId: 'crm-1001' },
				pairedItem: { item: 0 },
			},
			{ json: { organizationOemToken: fabrikam.organizationOemToken, name: 'Fabrikam', email: 'casey@fabrikam.example' }, pairedItem: { item: 1 } },
		]);
		expect(contoso.users[0]).toMatchObject({ email: 'casey@contoso.example', firstName: 'Casey', lastName: 'Contoso', role: 'owner' });
	});

	it('sends the Vendor User ID when given', async () => {
		await runNode({
			credentials: env.credentials,
			parameters: organizationParameters({ additionalFields: { vendorUserId: 'contact-7', vendorOrganizationId: 'acct-7' } }),
			items: [{ company: 'Northwind Traders', email: 'it@northwind.example' }],
		});
		expect(JSON.parse(env.sandbox.requests[0].rawBody).data).toEqual({
			name: 'Northwind Traders',
			email: 'it@northwind.example',
			firstName: 'Casey',
			lastName: 'Contoso',
			vendorUserId: 'contact-7',
			vendorOrganizationId: 'acct-7',
		});
	});

	it.each([
		['an empty name', { company: '  ', email: 'a@b.example' }, "The 'Name' parameter is empty for item 0"],
		['an empty email', { company: 'X', email: '' }, "The 'Email' parameter is empty for item 0"],
		['an email that is not one', { company: 'X', email: 'not-an-email' }, "The 'Email' parameter is not an email address for item 0"],
	])('%s fails before any request', async (_case, item, message) => {
		const result = await runNode({ credentials: env.credentials, parameters: organizationParameters(), items: [item] });
		expect(errorOf(result).message).toBe(message);
		expect(env.sandbox.requests).toHaveLength(0);
	});

	it('409: the same organization again, with the API message; not retried', async () => {
		const parameters = organizationParameters({ additionalFields: { vendorOrganizationId: 'demo-org-1' } });
		const result = await runNode({ credentials: env.credentials, parameters, items: [{ company: 'Demo again', email: 'x@demo-again.example' }] });
		const error = errorOf(result);
		expect(error.message).toBe(
			'Could not create the organization: it already exists (409): an organization with these details (the same Vendor Organization ID, or the same name and email) already exists; its token was returned when it was created',
		);
		expect(error.httpCode).toBe('409');
		expect(error.description).toBe('The API said: An organization with these details already exists');
		expect(env.sandbox.requests).toHaveLength(1);
	});

	it('a 5xx after the API created it: not retried, and the message says it may exist', async () => {
		env.sandbox.injectNext({ method: 'POST', path: '/api/oem-api/organization', status: 503, phase: 'after', times: 5 });
		const result = await runNode({
			credentials: env.credentials,
			parameters: { ...organizationParameters(), options: { maxRetries: 3, retryDelay: 1 } },
			items: [{ company: 'Uncertain Co', email: 'boss@uncertain.example' }],
		});
		const error = errorOf(result);
		expect(error.message).toBe(
			'Could not create the organization: the MSPC OEM API failed with a server error (503). The organization may have been created anyway: look for it in MSPCentric (running this item again answers 409 if it exists, and the API cannot give its token again) before running this item again',
		);
		expect(env.sandbox.requests).toHaveLength(1);
		expect(env.sandbox.state().organizations.filter((org) => org.name === 'Uncertain Co')).toHaveLength(1);
		// the token the API issued is not in the error
		const issued = env.sandbox.state().organizations.find((org) => org.name === 'Uncertain Co')!.organizationOemToken;
		expect(findSecrets(nodeRunText(result), [issued, env.credentials.clientSecret as string])).toEqual([]);
	});

	it('401 with a wrong client secret, which appears nowhere', async () => {
		const result = await runNode({
			credentials: { ...env.credentials, clientSecret: 'wrong-Secret-Org-77' },
			parameters: organizationParameters(),
			items: [{ company: 'Any', email: 'a@any.example' }],
		});
		expect(errorOf(result).message).toMatch(/^Could not create the organization: the client credentials were rejected \(401\)/);
		expect(findSecrets(nodeRunText(result), ['wrong-Secret-Org-77'])).toEqual([]);
	});

	it('400 from the API keeps its message', async () => {
		env.sandbox.injectNext({ path: '/api/oem-api/organization', status: 400, body: { status: 400, message: 'data.name is too long' } });
		const result = await runNode({ credentials: env.credentials, parameters: organizationParameters(), items: [{ company: 'Long', email: 'a@long.example' }] });
		const error = errorOf(result);
		expect(error.message).toBe('Could not create the organization: the MSPC OEM API rejected the request as malformed (400)');
		expect(error.description).toBe('The API said: data.name is too long');
	});
});

describe('User: Add', () => {
	it('finds the organization by Vendor Organization ID or by email domain; outputs its token and the email, paired', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: userParameters({ additionalFields: { vendorOrganizationId: '={{ $json.org }}', vendorUserId: '={{ $json.uid }}' } }),
			items: [
				{ email: 'new.tech@somewhere.example', org: 'other-org-1', uid: 'u-1' },
				{ email: 'second@demo-msp.example', org: '', uid: '' },
			],
		});
		const [first, second] = env.sandbox.requests;
		expect(first.path).toBe('/api/oem-api/user');
		expect(first.method).toBe('POST');
		expect(first.rawBody).toBe(
			JSON.stringify({
				...auth(),
				data: { email: 'new.tech@somewhere.example', firstName: 'Uma', lastName: 'User', vendorUserId: 'u-1', vendorOrganizationId: 'other-org-1' },
			}),
		);
		// no organization token in the request, and empty optional fields left out
		expect(JSON.parse(second.rawBody)).toEqual({ ...auth(), data: { email: 'second@demo-msp.example', firstName: 'Uma', lastName: 'User' } });
		expect(output).toEqual([
			{ json: { organizationOemToken: OTHER_ORGANIZATION_TOKEN, email: 'new.tech@somewhere.example' }, pairedItem: { item: 0 } },
			{ json: { organizationOemToken: TOKEN, email: 'second@demo-msp.example' }, pairedItem: { item: 1 } },
		]);
		expect(stateOrg(OTHER_ORGANIZATION_TOKEN)!.users.map((user) => user.email)).toContain('new.tech@somewhere.example');
	});

	it('404 (no organization for the domain) and 409 (the user exists) under Continue On Fail: paired error items', async () => {
		const result = await runNode({
			credentials: env.credentials,
			continueOnFail: true,
			parameters: userParameters(),
			items: [{ email: 'nobody@unknown-domain.example' }, { email: 'tech@demo-msp.example' }, { email: 'fresh@demo-msp.example' }, { email: 'bad' }],
		});
		const summary = result.output.map((item: INodeExecutionData) => [item.pairedItem, item.json.error ?? item.json.email, item.json.httpCode]);
		expect(summary).toEqual([
			[
				{ item: 0 },
				'Could not add the user: not found (404): no organization matches this Vendor Organization ID, or (without one) the domain of the email; check them, or create the organization first',
				'404',
			],
			[{ item: 1 }, 'Could not add the user: it already exists (409): a user with this email already exists in the organization', '409'],
			[{ item: 2 }, 'fresh@demo-msp.example', undefined],
			[{ item: 3 }, "The 'Email' parameter is not an email address for item 3", undefined],
		]);
		expect(result.output[0].json.description).toBe('The API said: Organization not found for this user');
		expect(env.sandbox.requests).toHaveLength(3);
		// the organization's token is in the successful item only
		expect(findSecrets(JSON.stringify(result.output.filter((item) => item.json.error)), [TOKEN])).toEqual([]);
	});

	it('a connection reset after the API added the user: not retried, the message says it may have been added', async () => {
		env.sandbox.injectNext({ path: '/api/oem-api/user', method: 'POST', action: 'reset', phase: 'after' });
		const result = await runNode({
			credentials: env.credentials,
			parameters: { ...userParameters(), options: { maxRetries: 3, retryDelay: 1 } },
			items: [{ email: 'maybe@demo-msp.example' }],
		});
		expect(errorOf(result).message).toMatch(
			/^Could not add the user: the MSPC OEM API closed the connection before answering\. The user may have been added anyway: look for the user in MSPCentric/,
		);
		expect(env.sandbox.requests).toHaveLength(1);
		expect(findSecrets(nodeRunText(result), [TOKEN, env.credentials.clientSecret as string])).toEqual([]);
	});
});

describe('User: Remove', () => {
	it('sends DELETE with the JSON body (token included) and outputs {deleted: true}', async () => {
		const before = stateOrg(TOKEN)!.users.length;
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'user', operation: 'remove', organizationOemToken: '={{ $json.token }}' },
			items: [{ token: TOKEN }],
		});
		const [request] = env.sandbox.requests;
		expect(request.method).toBe('DELETE');
		expect(request.path).toBe('/api/oem-api/user');
		expect(request.rawBody).toBe(JSON.stringify({ ...auth(), organizationOemToken: TOKEN }));
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(output).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
		expect(stateOrg(TOKEN)!.users.length).toBe(before - 1);
	});

	it('404 (only the owner is left), 403 (unknown token) and an empty token, under Continue On Fail; no token in any message', async () => {
		const result = await runNode({
			credentials: env.credentials,
			continueOnFail: true,
			parameters: { resource: 'user', operation: 'remove', organizationOemToken: '={{ $json.token }}', options: { concurrency: 1 } },
			items: [{ token: OTHER_ORGANIZATION_TOKEN }, { token: 'unknown-Token-Remove-1' }, { token: ' ' }],
		});
		expect(result.output.map((item) => [item.pairedItem, item.json.error, item.json.httpCode])).toEqual([
			[{ item: 0 }, 'Could not remove the user: not found (404): the organization has no user that can be removed', '404'],
			[{ item: 1 }, 'Could not remove the user: the organization OEM token was rejected (403): check the Organization OEM Token parameter', '403'],
			[{ item: 2 }, "The 'Organization OEM Token' parameter is empty for item 2", undefined],
		]);
		expect(env.sandbox.requests).toHaveLength(2);
		expect(findSecrets(nodeRunText(result), [OTHER_ORGANIZATION_TOKEN, 'unknown-Token-Remove-1'])).toEqual([]);
	});

	it('a 2xx whose body says 404: a failure in the API\'s words, not {deleted: true}', async () => {
		env.sandbox.injectNext({ path: '/api/oem-api/user', method: 'DELETE', status: 200, body: { status: 404, message: 'User not found' } });
		const before = stateOrg(TOKEN)!.users.length;
		const result = await runNode({
			credentials: env.credentials,
			continueOnFail: true,
			parameters: { resource: 'user', operation: 'remove', organizationOemToken: TOKEN },
		});
		expect(result.output).toEqual([
			{
				json: {
					error:
						'Could not remove the user: not found (404): the organization has no user that can be removed. The API answered HTTP 200, with status 404 in its body',
					description: 'The API said: User not found',
					httpCode: '404',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(stateOrg(TOKEN)!.users.length).toBe(before);
	});

	it.each([
		['status "404"', { status: '404', message: 'User not found' }],
		['statusCode "404"', { statusCode: '404', message: 'User not found' }],
	])('a 2xx whose body says %s (the status as a string): a failure too, not {deleted: true}', async (_form, body) => {
		env.sandbox.injectNext({ path: '/api/oem-api/user', method: 'DELETE', status: 200, body });
		const { output } = await runNode({
			credentials: env.credentials,
			continueOnFail: true,
			parameters: { resource: 'user', operation: 'remove', organizationOemToken: TOKEN },
		});
		expect(output[0].json.deleted).toBeUndefined();
		expect(String(output[0].json.error)).toContain('with status 404 in its body');
	});

	it('a 204 with no body after the API removed the user: {deleted: true}, once', async () => {
		env.sandbox.injectNext({ path: '/api/oem-api/user', method: 'DELETE', status: 204, action: 'empty', phase: 'after' });
		const before = stateOrg(TOKEN)!.users.length;
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'user', operation: 'remove', organizationOemToken: TOKEN, options: { maxRetries: 3 } },
		});
		expect(output).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
		expect(env.sandbox.requests).toHaveLength(1);
		expect(stateOrg(TOKEN)!.users.length).toBe(before - 1);
	});

	it('a 502 after the API removed the user: not sent again (it would remove a second user)', async () => {
		env.sandbox.injectNext({ path: '/api/oem-api/user', method: 'DELETE', status: 502, phase: 'after', times: 5 });
		const before = stateOrg(TOKEN)!.users.length;
		const result = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'user', operation: 'remove', organizationOemToken: TOKEN, options: { maxRetries: 3, retryDelay: 1 } },
		});
		expect(errorOf(result).message).toBe(
			"Could not remove the user: the MSPC OEM API failed with a server error (502). A user may have been removed anyway: check the organization's users in MSPCentric before running this item again",
		);
		expect(env.sandbox.requests).toHaveLength(1);
		expect(stateOrg(TOKEN)!.users.length).toBe(before - 1);
	});
});
