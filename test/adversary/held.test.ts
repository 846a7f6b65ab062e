/**
 * Adversarial pass over the trigger: what was tried and held (cheap).
 */
import type { IDataObject } from 'n8n-workflow';

import { ActiveTrigger } from '../helpers/poll';
import { useSandbox } from '../helpers/sandbox';

const env = useSandbox();
void (undefined as unknown as IDataObject);

describe('trigger: bounded polls and secrets in poll errors', () => {
	it('a hanging vendor list ends the poll at Timeout', async () => {
		const trigger = new ActiveTrigger(env.credentials, { event: 'vendorAdded', options: { maxRetries: 0, timeout: 800 } });
		await trigger.poll();
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', action: 'hang' });
		const started = Date.now();
		await expect(trigger.poll()).rejects.toThrow();
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('Retry-After: 3600 does not hold a poll', async () => {
		const trigger = new ActiveTrigger(env.credentials, { event: 'vendorAdded', options: { maxRetries: 2 } });
		await trigger.poll();
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 429, headers: { 'retry-after': '3600' }, times: 3 });
		const started = Date.now();
		await expect(trigger.poll()).rejects.toThrow();
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('an error answer echoing the organization token and client secret keeps them out of the poll error', async () => {
		const { organizationOemToken: token } = env.sandbox.createOrganization({ name: 'Echo MSP', email: 'o@echo.example' });
		const trigger = new ActiveTrigger(env.credentials, { event: 'integrationAdded', organizationOemToken: token, options: { maxRetries: 0 } });
		await trigger.poll();
		const secret = env.sandbox.credentials.clientSecret;
		env.sandbox.injectNext({
			path: '/api/oem-api/integration/list',
			status: 200,
			body: { result: { note: `token ${token} secret ${secret}`, echo: [token, secret] } },
		});
		const error = (await trigger.poll().then(
			() => undefined,
			(e: Error) => e,
		)) as (Error & { description?: string; node?: unknown }) | undefined;
		expect(error).toBeDefined();
		const { node: _node, ...rest } = error as unknown as Record<string, unknown>;
		const text = JSON.stringify([error!.message, error!.description, rest, String(error!.stack)]);
		expect([token, secret].filter((s) => text.includes(s))).toEqual([]);
	});
});

