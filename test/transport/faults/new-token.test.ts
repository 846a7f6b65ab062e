/**
 * Organization: Create and User: Add are answered with a new organization OEM token, which the
 * API never gives again. When the answer is shaped otherwise than documented, a token found at
 * another path is output; when none (or two different ones) can be told apart, the error says
 * so and no part of the token appears in it.
 */
import type { ScriptedFault } from '../../../sandbox';
import { deepText, params, producedText, run, secretsIn, useFaultSandbox, type FaultOperation } from './harness';

const h = useFaultSandbox();

const NEW_TOKEN = 'oem-7c1f0e9d8b2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e';
const OTHER_TOKEN = 'oem-0a2b4c6d8e1f3a5b7c9d0e2f4a6b8c0d1e3f5a7b';

const OPERATIONS: Array<[string, FaultOperation, string]> = [
	['Organization: Create', 'organizationCreate', '/api/oem-api/organization'],
	['User: Add', 'userAdd', '/api/oem-api/user'],
];

async function answeredWith(operation: FaultOperation, path: string, answer: Omit<ScriptedFault, 'path' | 'method'>) {
	h.sandbox.injectNext({ method: 'POST', path, status: 201, ...answer });
	return await run(h, { parameters: params(operation) });
}

describe.each(OPERATIONS)('%s', (_name, operation, path) => {
	test.each([
		['under data', { status: 201, message: 'Successfully created', data: { organizationOemToken: NEW_TOKEN } }],
		['deeper, next to other fields', { status: 201, result: { organization: { id: 'org-1', organizationOemToken: NEW_TOKEN } } }],
		['spelled organization_oem_token', { status: 201, data: { organization_oem_token: NEW_TOKEN } }],
	])('a 201 with the token %s: the token is output, not lost', async (_where, body) => {
		const outcome = await answeredWith(operation, path, { body });
		expect(outcome.error).toBeUndefined();
		expect(outcome.output?.map((item) => item.json.organizationOemToken)).toEqual([NEW_TOKEN]);
	});

	test.each([
		['status 500', { status: 500, message: 'Organization created, sending the welcome e-mail failed', organizationOemToken: NEW_TOKEN }],
		['success: false', { success: false, message: 'Created, but a follow-up step failed', data: { organizationOemToken: NEW_TOKEN } }],
	])('a 200 holding the new token and reporting a failure (%s): the token is output, not lost', async (_how, body) => {
		const outcome = await answeredWith(operation, path, { status: 200, body });
		expect(outcome.error).toBeUndefined();
		expect(outcome.output?.map((item) => item.json.organizationOemToken)).toEqual([NEW_TOKEN]);
	});

	test('a 200 reporting a failure without a token still fails, naming the status', async () => {
		const outcome = await answeredWith(operation, path, { status: 200, body: { status: 409, message: 'It already exists' } });
		expect(outcome.error?.message).toMatch(/^Could not (create the organization|add the user): it already exists \(409\)/);
		expect(outcome.output ?? []).toEqual([]);
	});

	test.each([
		['JSON without a token the node can tell', { contentType: 'application/json', body: { status: 201, data: { token: NEW_TOKEN, partnerApiKey: OTHER_TOKEN } } }],
		['JSON with two different tokens', { contentType: 'application/json', body: { a: { organizationOemToken: NEW_TOKEN }, b: { organizationOemToken: OTHER_TOKEN } } }],
		['form-encoded text', { contentType: 'application/x-www-form-urlencoded', body: `status=201&organizationOemToken=${NEW_TOKEN}&x=${OTHER_TOKEN}` }],
		['cut-off JSON', { contentType: 'application/json', body: `{"status":201,"data":{"organizationOemToken":"${NEW_TOKEN}","partnerApiKey":"${OTHER_TOKEN}` }],
		['an HTML page', { contentType: 'text/html', body: `<html><title>Created ${NEW_TOKEN}</title><table><tr><td>Token</td><td>${OTHER_TOKEN}</td></tr></table></html>` }],
	])('a 201 of %s: the error shows no part of any token', async (_what, answer) => {
		for (const continueOnFail of [false, true]) {
			h.sandbox.injectNext({ method: 'POST', path, status: 201, ...answer });
			const outcome = await run(h, { parameters: params(operation), continueOnFail });
			expect(outcome.error?.message).toMatch(/^Could not (create the organization|add the user): the MSPC OEM API answered 201/);
			expect(outcome.error?.description).toContain('[redacted]');
			expect(secretsIn(producedText(outcome), [NEW_TOKEN, OTHER_TOKEN])).toEqual([]);
			expect(secretsIn(deepText(outcome.output), [NEW_TOKEN, OTHER_TOKEN])).toEqual([]);
		}
	});
});
