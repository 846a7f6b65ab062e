/**
 * Adversary (runner/waits): the 429 pause, Stop, and the bounds the README gives
 * ("No request keeps retrying for more than 120 seconds in total"; "Stopping the execution ends
 * every wait at once").
 */
import { runNode } from '../helpers/workflow';
import { params, useFaultSandbox } from '../faults/harness';

const h = useFaultSandbox();

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Timers started while `body` runs that neither fired nor were cleared when it ended. */
async function timersLeftBehind(body: () => Promise<void>, minDelayMs: number): Promise<number[]> {
	const pending = new Map<unknown, number>();
	const realSet = global.setTimeout;
	const realClear = global.clearTimeout;
	const set = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
		const handle: unknown = realSet((...a: unknown[]) => {
			pending.delete(handle);
			fn(...a);
		}, ms, ...args);
		if ((ms ?? 0) >= minDelayMs) pending.set(handle, ms ?? 0);
		return handle;
	}) as typeof setTimeout);
	const clear = jest.spyOn(global, 'clearTimeout').mockImplementation(((handle: Parameters<typeof clearTimeout>[0]) => {
		pending.delete(handle);
		realClear(handle);
	}) as typeof clearTimeout);
	try {
		await body();
	} finally {
		set.mockRestore();
		clear.mockRestore();
	}
	const left = [...pending.values()];
	for (const handle of pending.keys()) realClear(handle as Parameters<typeof clearTimeout>[0]);
	return left;
}

test('FINDING: Stop during a 429 pause leaves the pause\'s timers running (each holding the stopped execution) for the whole Retry-After', async () => {
	const left = await timersLeftBehind(async () => {
		h.sandbox.injectNext({ status: 429, headers: { 'retry-after': '60' } });
		const stop = new AbortController();
		const running = runNode({
			credentials: h.credentials,
			parameters: params('vendorList', { options: { maxRetries: 3 } }),
			items: [{}, {}, {}],
			cancel: stop.signal,
		});
		await until(() => h.sandbox.requests.length > 0);
		await new Promise((resolve) => setTimeout(resolve, 100));
		stop.abort();
		expect((await running).run.status).toBe('canceled');
	}, 10_000);
	expect(left).toEqual([]);
}, 15_000);
