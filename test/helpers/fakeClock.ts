/**
 * Jest's fake timers, and `AbortSignal.timeout` on them: Jest's clock does not drive that signal
 * (which the node's waits and timeouts use), so a signal aborted by a fake timer stands in for it.
 * Its timer runs only while something listens to the signal, as the runtime's does in effect (an
 * unheard timeout signal holds nothing): a request's Timeout, which the faked n8n helper never
 * listens to, does not move the clock when a test runs all timers.
 */
export function useFakeClock(config?: Parameters<typeof jest.useFakeTimers>[0]): void {
	jest.useFakeTimers(config);
	jest.spyOn(AbortSignal, 'timeout').mockImplementation((ms: number) => {
		const controller = new AbortController();
		const { signal } = controller;
		const listeners = new Set<unknown>();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const add = signal.addEventListener.bind(signal);
		const remove = signal.removeEventListener.bind(signal);
		signal.addEventListener = ((...[type, listener, options]: Parameters<AbortSignal['addEventListener']>) => {
			add(type, listener, options);
			listeners.add(listener);
			timer ??= setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
		}) as typeof signal.addEventListener;
		signal.removeEventListener = ((...[type, listener]: Parameters<AbortSignal['removeEventListener']>) => {
			remove(type, listener);
			listeners.delete(listener);
			if (listeners.size === 0 && timer !== undefined) clearTimeout(timer);
		}) as typeof signal.removeEventListener;
		return signal;
	});
}
