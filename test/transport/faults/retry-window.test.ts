/**
 * README, How retries work: "No request keeps retrying for more than 120 seconds in total": a
 * retry is cut off when the window ends, whatever its Timeout. The window is scaled down here
 * (120 s -> 1.5 s) so the test runs in seconds; nothing else changes.
 */
jest.mock('../../../nodes/shared/transport/settings', () => ({
	...jest.requireActual('../../../nodes/shared/transport/settings'),
	MAX_RETRY_WINDOW_MS: 1_500,
}));

import { MAX_RETRY_WINDOW_MS } from '../../../nodes/shared/transport/settings';
import { runNode } from '../../helpers/workflow';
import { params, useFaultSandbox } from './harness';

const h = useFaultSandbox();

test('a read whose attempts time out stops trying when the retry window ends (a retry is cut off by it)', async () => {
	expect(MAX_RETRY_WINDOW_MS).toBe(1_500);
	h.sandbox.injectNext({ action: 'hang', times: 5 });
	const started = Date.now();
	const outcome = await runNode({
		credentials: h.credentials,
		parameters: params('vendorList', { options: { timeout: 1_000, maxRetries: 3, retryDelay: 1 } }),
		continueOnFail: true,
	});
	const elapsed = Date.now() - started;
	expect(String(outcome.output[0].json.error)).toContain('did not answer within 1000 ms');
	// Every attempt, waits included, within the window (some slack for the run itself).
	expect(elapsed).toBeLessThan(MAX_RETRY_WINDOW_MS + 300);
}, 15_000);
