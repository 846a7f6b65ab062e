import { sleep } from 'n8n-workflow';

/**
 * Resolves after `ms`, or as soon as `cancel` aborts (the user stopped the execution). n8n's
 * `sleep` cannot be stopped, so after a cancel its timer runs out unheard: never longer than the
 * longest wait the retry rules allow.
 */
export async function waitFor(ms: number, cancel?: AbortSignal): Promise<void> {
	if (!cancel) return await sleep(ms);
	if (cancel.aborted) return;
	let onAbort!: () => void;
	const aborted = new Promise<void>((resolve) => (onAbort = resolve));
	cancel.addEventListener('abort', onAbort, { once: true });
	try {
		await Promise.race([sleep(ms), aborted]);
	} finally {
		cancel.removeEventListener('abort', onAbort);
	}
}
