/**
 * Adversary (runner/waits): Stop under Continue On Fail. The runner keeps starting the remaining
 * items after the execution was stopped; each fails at once without being sent, but its error
 * says the create "may have been created anyway".
 */
import { runNode } from '../helpers/workflow';
import { params, useFaultSandbox } from '../faults/harness';

const h = useFaultSandbox();

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('FINDING: after Stop (Continue On Fail), items never sent are reported as "may have been created anyway"', async () => {
	h.sandbox.injectNext({ action: 'hang' });
	const stop = new AbortController();
	const running = runNode({
		credentials: h.credentials,
		parameters: params('organizationCreate', {
			name: '=Stop Customer {{ $json.n }}',
			email: '=owner{{ $json.n }}@stop.example',
			additionalFields: { vendorOrganizationId: '=stop-{{ $json.n }}' },
			options: { concurrency: 1, timeout: 60_000 },
		}),
		items: Array.from({ length: 5 }, (_, n) => ({ n })),
		continueOnFail: true,
		cancel: stop.signal,
	});
	await until(() => h.sandbox.requests.length > 0);
	stop.abort();
	const { output } = await running;
	const sent = h.sandbox.requests.length;
	expect(sent).toBe(1);
	// Items 1-4 were never sent: nothing about them may say they may have been done.
	for (const item of output.slice(1)) expect(String(item.json.error ?? '')).not.toContain('may have been created');
}, 15_000);
