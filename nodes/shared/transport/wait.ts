/**
 * Resolves after `ms`, or as soon as `cancel` aborts (the user stopped the execution). The time is
 * kept by `AbortSignal.timeout`, not n8n's `sleep` (which cannot be stopped: a stopped execution's
 * waits would stay armed, holding it, for up to the retry window): once this returns, nothing
 * holds the wait, as the runtime's timer for such a signal refers to it only weakly.
 */
export async function waitFor(ms: number, cancel?: AbortSignal): Promise<void> {
	if (cancel?.aborted) return;
	const timeUp = AbortSignal.timeout(Math.ceil(ms));
	let end!: () => void;
	const ended = new Promise<void>((resolve) => (end = resolve));
	timeUp.addEventListener('abort', end, { once: true });
	cancel?.addEventListener('abort', end, { once: true });
	try {
		await ended;
	} finally {
		timeUp.removeEventListener('abort', end);
		cancel?.removeEventListener('abort', end);
	}
}
