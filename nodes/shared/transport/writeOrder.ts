/** What the write before this one to the same target left: nothing yet, its result, or a failure. */
export type PreviousWrite<T> = { outcome: 'none' } | { outcome: 'done'; result: T } | { outcome: 'failed' };

/**
 * Writes to one target (an integration on one server) within one execution, applied one after
 * another in the order they were asked for; writes in other lines are not held. A write that
 * failed may still have been carried out, so the next one is told, and can ask the API again.
 */
export class WriteOrder {
	/** Per line: settles once the last write in it has. */
	private readonly tails = new Map<string, Promise<unknown>>();

	/** Per target: how its last write ended. */
	private readonly lastWrites = new Map<string, PreviousWrite<unknown>>();

	/**
	 * Runs `write` once every earlier write in `line` has settled, told what the last write to the
	 * same target left. The place in line is taken when this is called, synchronously: an item that
	 * calls it before its first await keeps its input order, however the requests of earlier items
	 * are retried. The target (`line` and what `where` names: the item's server and account, which
	 * can take a credential read to know) is found only when the write's turn comes, so a line
	 * holds every write that may share a target: writes to other servers in it wait too, which
	 * costs time, never order.
	 */
	inOrder<T>(line: string, where: () => Promise<string>, write: (previous: PreviousWrite<T>) => Promise<T>): Promise<T> {
		const tail = this.tails.get(line) ?? Promise.resolve();
		const result = tail.then(async () => {
			const target = JSON.stringify([line, await where()]);
			const written = write((this.lastWrites.get(target) ?? { outcome: 'none' }) as PreviousWrite<T>);
			// Told before the write's own caller, so before the next write in line starts.
			void written.then(
				(value) => this.lastWrites.set(target, { outcome: 'done', result: value }),
				() => this.lastWrites.set(target, { outcome: 'failed' }),
			);
			return await written;
		});
		this.tails.set(
			line,
			result.catch(() => undefined),
		);
		return result;
	}
}
