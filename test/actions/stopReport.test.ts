/**
 * When the node stops at a failure, the report in its error says what a rerun would repeat. An
 * item that failed in a way that may have reached the API (the connection reset after the
 * request was carried out) is neither "carried out" nor merely "failed": it is named apart, with
 * its own warning, so a rerun does not remove a second user or create a second organization.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { DEMO_ORGANIZATION_TOKEN, OTHER_ORGANIZATION_TOKEN } from '../../sandbox';
import { useSandbox } from '../helpers/useSandbox';
import { organizationParameters } from '../helpers/parameters';
import { runNode } from '../helpers/workflow';

const env = useSandbox();

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Item 0's request is answered 400; item 1's (running beside it, Items at Once 2) is held until
 * then, and is carried out by the API, which then drops the connection.
 */
function item0RejectedItem1Reset(isItem1: (body: Record<string, unknown>) => boolean) {
	env.sandbox.injectNext({ status: 400, body: { status: 400, message: 'Bad request' } });
	return async (options: IHttpRequestOptions) => {
		if (!isItem1(JSON.parse(String(options.body)) as Record<string, unknown>)) return;
		while (env.sandbox.requests.length === 0) await sleep(5);
		env.sandbox.injectNext({ action: 'reset', phase: 'after' });
	};
}

const usersOf = (token: string) => env.sandbox.state().organizations.find((org) => org.organizationOemToken === token)!.users.length;

function errorOf(result: Awaited<ReturnType<typeof runNode>>) {
	const error = result.run.data.resultData.error as (Error & { description?: string }) | undefined;
	expect(error).toBeDefined();
	return error!;
}

it('User: Remove: the item whose connection reset after the removal is named as maybe carried out, with its warning', async () => {
	const before = [usersOf(OTHER_ORGANIZATION_TOKEN), usersOf(DEMO_ORGANIZATION_TOKEN)];
	const result = await runNode({
		credentials: env.credentials,
		parameters: { resource: 'user', operation: 'remove', organizationOemToken: '={{ $json.token }}', options: { concurrency: 2 } },
		items: [{ token: OTHER_ORGANIZATION_TOKEN }, { token: DEMO_ORGANIZATION_TOKEN }],
		beforeRequest: item0RejectedItem1Reset((body) => body.organizationOemToken === DEMO_ORGANIZATION_TOKEN),
	});
	// what happened: item 1's user is gone, item 0's organization is untouched
	expect([usersOf(OTHER_ORGANIZATION_TOKEN), usersOf(DEMO_ORGANIZATION_TOKEN)]).toEqual([before[0], before[1] - 1]);
	const error = errorOf(result);
	expect(error.message).toBe('Could not remove the user: the MSPC OEM API rejected the request as malformed (400)');
	expect(error.description).toBe(
		'The API said: Bad request\n\nThe node stopped at input item 0; the output of the other items is lost. ' +
			"May have been carried out, check before rerunning: item 1 (A user may have been removed anyway: check the organization's users in MSPCentric before running this item again).",
	);
});

it('Organization: Create: the same, its warning saying the token cannot be had again', async () => {
	const result = await runNode({
		credentials: env.credentials,
		parameters: organizationParameters({ options: { concurrency: 2 } }),
		items: [
			{ company: 'Alpha MSP', email: 'owner@alpha.example' },
			{ company: 'Beta MSP', email: 'owner@beta.example' },
			{ company: 'Gamma MSP', email: 'owner@gamma.example' },
		],
		beforeRequest: item0RejectedItem1Reset((body) => (body.data as { name?: string }).name === 'Beta MSP'),
	});
	expect(env.sandbox.state().organizations.map((org) => org.name)).toContain('Beta MSP');
	expect(env.sandbox.state().organizations.map((org) => org.name)).not.toContain('Alpha MSP');
	expect(errorOf(result).description).toBe(
		'The API said: Bad request\n\nThe node stopped at input item 0; the output of the other items is lost. ' +
			'May have been carried out, check before rerunning: item 1 (The organization may have been created anyway: look for it in MSPCentric (running this item again answers 409 if it exists, and the API cannot give its token again) before running this item again). ' +
			'Not started: item 2.',
	);
});
