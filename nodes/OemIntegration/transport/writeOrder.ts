/** What the write before this one with the same key left: nothing yet, its result, or a failure. */
export type PreviousWrite<T> = { outcome: 'none' } | { outcome: 'done'; result: T } | { outcome: 'failed' };

/**
 * Writes to one target (an integration) within one execution, applied one after another in the
 * order they were asked for; writes to other targets are not held. A write that failed may still
 * have been carried out, so the next one is told, and can ask the API again.
 */
export class WriteOrder {
	private readonly tails = new Map<string, Promise<PreviousWrite<unknown>>>();

	/**
	 * Runs `write` once every earlier write with the same key has settled. The place in line is
	 * taken when this is called, synchronously: an item that calls it before its first await
	 * keeps its input order, however the requests of earlier items are retried.
	 */
	inOrder<T>(key: string, write: (previous: PreviousWrite<T>) => Promise<T>): Promise<T> {
		const previous = (this.tails.get(key) ?? Promise.resolve({ outcome: 'none' })) as Promise<PreviousWrite<T>>;
		const result = previous.then(write);
		this.tails.set(
			key,
			result.then(
				(value): PreviousWrite<T> => ({ outcome: 'done', result: value }),
				(): PreviousWrite<T> => ({ outcome: 'failed' }),
			),
		);
		return result;
	}
}
