import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { RateGate } from './rateGate';

export type OemContext = IExecuteFunctions | ILoadOptionsFunctions;

/**
 * What the requests of one execution share, made once per execution (or per editor lookup) and
 * passed down explicitly; nothing outlives it, so nothing is kept in the process between
 * executions (a second queue-mode worker needs nothing from the first).
 */
export class OemExecution<Context extends OemContext = OemContext> {
	/** One 429 pause and request window for all items. */
	readonly rateGate = new RateGate();

	/** Answers of identical reads, so items asking the same thing send it once. */
	private readonly answers = new Map<string, Promise<unknown>>();

	constructor(readonly ctx: Context) {}

	/** The answer of `key`, asked once per execution. */
	async shared<T>(key: string, ask: () => Promise<T>): Promise<T> {
		let answer = this.answers.get(key) as Promise<T> | undefined;
		if (!answer) this.answers.set(key, (answer = ask()));
		return await answer;
	}

	/** Whether the user stopped the execution. */
	get cancelled(): boolean {
		const { ctx } = this;
		const signal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined;
		return signal?.aborted === true;
	}
}
