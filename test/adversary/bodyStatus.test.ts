/**
 * Adversary (runner/waits): a 2xx whose body reports a failure (issue 17, item 13: "A body status
 * >= 400 is a failure"). The check takes only a number; the same status as a string, as PHP and
 * many gateways echo it, still reads as success.
 */
import { run, params, useFaultSandbox } from '../faults/harness';

const h = useFaultSandbox();

test.each([
	['status "404"', { status: '404', message: 'User not found' }],
	['statusCode "404"', { statusCode: '404', message: 'User not found' }],
])('FINDING: User: Remove answered 200 with %s in its body reports deleted: true', async (_name, body) => {
	h.sandbox.injectNext({ method: 'DELETE', path: '/api/oem-api/user', status: 200, body });
	const outcome = await run(h, { parameters: params('userRemove'), continueOnFail: true });
	expect(outcome.output?.[0].json.deleted).toBeUndefined();
	expect(outcome.error?.message ?? '').toContain('404');
});
