/**
 * The flow controller's rules, checked with fake signals and fake timers: no server, no real waits.
 * How it behaves against a real server (in-flight counts at the sandbox) is in test/throughput.
 */
import { AUTO_MAX, AUTO_START, FlowController, type FlowSignal } from '../../nodes/shared/transport/flowControl';
import { useFakeClock } from '../helpers/fakeClock';

const fast: FlowSignal = { kind: 'success', latencyMs: 20 };

/** Sends `count` requests through the controller at once (as far as it lets them) and answers each with `signal`. */
async function round(flow: FlowController, count: number, signal: FlowSignal | ((i: number) => FlowSignal)) {
	const leaves = await Promise.all(Array.from({ length: count }, async () => await flow.enter()));
	leaves.forEach((leave, i) => leave(typeof signal === 'function' ? signal(i) : signal));
}

describe('Auto', () => {
	it(`starts at ${AUTO_START} and doubles per round of fast, clean answers (slow start), up to ${AUTO_MAX}`, async () => {
		const flow = new FlowController(true);
		const windows = [flow.window];
		for (let i = 0; i < 5; i++) {
			await round(flow, flow.window, fast);
			windows.push(flow.window);
		}
		expect(windows).toEqual([4, 8, 16, 32, 32, 32]);
	});

	it('halves on a server error, once per window however many requests of that window fail, then grows by one per round', async () => {
		const flow = new FlowController(true);
		await round(flow, 4, fast);
		await round(flow, 8, fast);
		expect(flow.window).toBe(16);
		await round(flow, 16, { kind: 'overloaded' });
		expect(flow.window).toBe(8);
		await round(flow, 8, fast);
		expect(flow.window).toBe(9);
		await round(flow, 9, fast);
		expect(flow.window).toBe(10);
	});

	it('halves when answers get clearly slower than the fastest one (a queue is building up at the API)', async () => {
		const flow = new FlowController(true);
		await round(flow, 4, fast);
		await round(flow, 8, fast);
		expect(flow.window).toBe(16);
		// The smoothed latency passes 3 × 20 ms + 100 ms slack after a few slow answers.
		await round(flow, 16, { kind: 'success', latencyMs: 400 });
		expect(flow.window).toBe(8);
	});

	it("does not shrink for latency within the tolerance (n8n's own work on the requests in flight adds some)", async () => {
		const flow = new FlowController(true);
		for (let i = 0; i < 4; i++) await round(flow, flow.window, (n) => ({ kind: 'success', latencyMs: 20 + (n % 4) * 40 }));
		expect(flow.window).toBe(AUTO_MAX);
	});

	it('ignores answers that say nothing about load (4xx, refused connections)', async () => {
		const flow = new FlowController(true);
		await round(flow, 4, { kind: 'neutral' });
		expect(flow.window).toBe(AUTO_START);
	});
});

describe('after a 429 (Auto and a fixed Items at Once alike)', () => {
	beforeEach(() => useFakeClock());
	afterEach(() => {
		jest.useRealTimers();
		jest.restoreAllMocks();
	});

	/** How many of `asked` requests the controller lets go at once; then all are answered with `signal`. */
	async function admitted(flow: FlowController, asked: number, signal: FlowSignal = fast) {
		const leaves: Array<(s: FlowSignal) => void> = [];
		const entering = Array.from({ length: asked }, async () => leaves.push(await flow.enter()));
		await jest.advanceTimersByTimeAsync(0);
		const count = leaves.length;
		while (leaves.length < asked || leaves.length > 0) {
			const batch = leaves.splice(0);
			batch.forEach((leave) => leave(signal));
			await jest.advanceTimersByTimeAsync(0);
			if (batch.length === 0) break;
		}
		await Promise.all(entering);
		return count;
	}

	it.each([true, false])('auto=%s: one at a time, then one more per round of successes', async (auto) => {
		const flow = new FlowController(auto);
		await round(flow, 1, { kind: 'rateLimited' });
		expect(await admitted(flow, 10)).toBe(1);
		// The ten successes took the window from 1 to a little over 4 (+1 / window each).
		expect(await admitted(flow, 10)).toBe(4);
	});

	it('every request waits out the shared pause', async () => {
		const flow = new FlowController(false);
		flow.pause(5_000);
		let entered = 0;
		const waiting = Array.from({ length: 3 }, async () => {
			const leave = await flow.enter();
			entered++;
			leave(fast);
		});
		await jest.advanceTimersByTimeAsync(4_999);
		expect(entered).toBe(0);
		await jest.advanceTimersByTimeAsync(1);
		await Promise.all(waiting);
		expect(entered).toBe(3);
	});

	it("the execution's cancel ends the pause at once, on the abort event", async () => {
		const stop = new AbortController();
		const flow = new FlowController(false, stop.signal);
		flow.pause(60_000);
		let entered = false;
		void flow.enter().then(() => (entered = true));
		await jest.advanceTimersByTimeAsync(1_000);
		expect(entered).toBe(false);
		stop.abort();
		await jest.advanceTimersByTimeAsync(0);
		expect(entered).toBe(true);
		// Once stopped, nothing waits any more.
		flow.pause(60_000);
		await expect(flow.enter()).resolves.toBeInstanceOf(Function);
	});

	it('a later, shorter pause does not cut an earlier, longer one', async () => {
		const flow = new FlowController(false);
		flow.pause(5_000);
		flow.pause(1_000);
		let entered = false;
		void flow.enter().then(() => (entered = true));
		await jest.advanceTimersByTimeAsync(4_000);
		expect(entered).toBe(false);
		await jest.advanceTimersByTimeAsync(1_000);
		expect(entered).toBe(true);
	});
});

describe('a fixed Items at Once', () => {
	it('is not narrowed by server errors or slow answers (only a 429 narrows it)', async () => {
		const flow = new FlowController(false);
		await round(flow, 20, { kind: 'overloaded' });
		await round(flow, 20, { kind: 'success', latencyMs: 5_000 });
		// All 20 of a new round enter at once: the runner, not the controller, bounds a fixed count.
		await round(flow, 20, fast);
	});
});
