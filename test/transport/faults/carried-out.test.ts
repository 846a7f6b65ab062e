/**
 * Answers after which a write was carried out although the node could not confirm it: the error
 * warns that it may have been done, and the stop report names the item apart from the ones that
 * failed (which the README says were not carried out).
 */
import { DEMO_ORGANIZATION_TOKEN } from '../../../sandbox';
import { runNode } from '../../helpers/workflow';
import { INTEGRATION_ID, params, useFaultSandbox } from './harness';

const h = useFaultSandbox();
const users = () => h.sandbox.state().organizations.find((org) => org.organizationOemToken === DEMO_ORGANIZATION_TOKEN)!.users.length;

test('User: Remove answered 303 See Other after the removal: the error warns that a user may have been removed', async () => {
	const before = users();
	// 303: the server did the work and points elsewhere for the result (RFC 9110, 15.4.4).
	h.sandbox.injectNext({ method: 'DELETE', path: '/api/oem-api/user', phase: 'after', status: 303, headers: { location: '/api/oem-api/user/status' }, body: '' });
	const result = await runNode({
		credentials: h.credentials,
		parameters: params('userRemove', { organizationOemToken: DEMO_ORGANIZATION_TOKEN, options: { concurrency: 1 } }),
		items: [{}, {}],
		continueOnFail: false,
	});
	expect(users()).toBe(before - 1);
	const error = result.run.data.resultData.error as Error & { description?: string };
	// Item 0 was carried out: the message must say so, and the report must not call it merely failed.
	expect(`${error.message} ${error.description}`).toMatch(/may have been removed/i);
});

test('Integration: Update carried out, then the connection reset (Max Retries 0): named as maybe applied, not under "Also failed"', async () => {
	const id = INTEGRATION_ID;
	h.sandbox.injectNext({ method: 'PATCH', path: `/api/oem-api/integration/${id}`, phase: 'after', action: 'reset' });
	const result = await runNode({
		credentials: h.credentials,
		parameters: params('update', {
			integrationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			options: { concurrency: 2, maxRetries: 0 },
		}),
		items: [{ id: 'no-such-integration' }, { id }],
		continueOnFail: false,
	});
	const stored = h.sandbox.state().integrations.find((i) => i.id === id)!.credentials;
	expect(Object.keys(stored)).toContain('api username');
	const error = result.run.data.resultData.error as Error & { description?: string };
	expect(error.description).not.toMatch(/Also failed: item 1\b/);
});
