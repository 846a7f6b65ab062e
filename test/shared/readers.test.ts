/**
 * The checks both nodes make of text parameters (nodes/shared/readers.ts): a number an expression
 * gives that is no id or token (NaN, Infinity, past 2^53) is refused before anything is sent.
 * Found by issue 20's adversarial pass, when the trigger took over the action node's check.
 */
import { ActiveTrigger } from '../helpers/poll';
import { useSandbox } from '../helpers/useSandbox';
import { runNode } from '../helpers/workflow';

const env = useSandbox();

const integrationTrigger = (organizationOemToken: unknown, extra: Record<string, unknown> = {}) =>
	new ActiveTrigger(env.credentials, { event: 'integrationAdded', organizationOemToken, options: { maxRetries: 0 }, ...extra } as never);

const pollError = (trigger: ActiveTrigger) =>
	trigger.poll().then(
		() => undefined,
		(error: Error) => error.message,
	);

describe('trigger: the Organization OEM Token now read by the action\'s check', () => {
	it.each([
		['NaN (an expression over a missing field)', '={{ Number($vars.missing) }}'],
		['Infinity', '={{ 1 / 0 }}'],
		['a number past 2^53 (digits already lost)', '={{ 12345678901234567890 }}'],
	])('%s is refused before anything is sent, not sent as the token', async (_label, expression) => {
		const trigger = integrationTrigger(expression);
		const message = await pollError(trigger);
		expect(message).toMatch(/Organization OEM Token/);
		expect(env.sandbox.requests).toHaveLength(0);
	});
});

// Not new in this change (the action read numbers so before); the trigger now shares it.
describe('action: the same check', () => {
	it('Integration: List refuses a NaN token before anything is sent', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'integration', operation: 'list', organizationOemToken: '={{ Number($json.missing) }}', returnAll: true },
			continueOnFail: true,
		});
		expect(String(output[0].json.error)).toMatch(/Organization OEM Token/);
		expect(env.sandbox.requests).toHaveLength(0);
	});
});
