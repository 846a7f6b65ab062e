/**
 * Adversary (runner/waits): answers after which a request that is not repeated safely was carried
 * out, but which the node reports as plainly failed (no "may have been carried out" warning), so
 * the stop report lists the item under "Also failed", which the README says were not carried out.
 */
import { DEMO_ORGANIZATION_TOKEN } from '../../sandbox';
import { runNode } from '../helpers/workflow';
import { INTEGRATION_ID, params, useFaultSandbox } from '../faults/harness';

const h = useFaultSandbox();
const users = () => h.sandbox.state().organizations.find((org) => org.organizationOemToken === DEMO_ORGANIZATION_TOKEN)!.users.length;

test('FINDING: Integration: Update carried out, then the connection reset (Max Retries 0): listed under "Also failed", which the README says were not carried out', async () => {
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
