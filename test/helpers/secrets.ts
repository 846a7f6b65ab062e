/** Everything a run produced, as text: errors with all their own properties, stacks and causes. */
export function serialiseDeep(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, function replacer(_key, current: unknown) {
		if (current instanceof Error) {
			const plain: Record<string, unknown> = { stack: current.stack, message: current.message, cause: current.cause };
			for (const name of Object.getOwnPropertyNames(current)) plain[name] = (current as unknown as Record<string, unknown>)[name];
			return plain;
		}
		if (current && typeof current === 'object') {
			if (seen.has(current)) return '[circular]';
			seen.add(current);
		}
		return current;
	});
}

/** The secrets that occur in the text; a passing test expects none. */
export function findSecrets(text: string, secrets: string[]): string[] {
	return secrets.filter((secret) => text.includes(secret));
}

/**
 * What our node produced in a run: its task data (output items, error items, error) and the
 * run's error. The input items are left out: the secrets the test feeds in are there by design.
 */
export function nodeRunText(result: { run: { data: { resultData: { error?: unknown } } }; task: unknown }): string {
	return serialiseDeep([result.task, result.run.data.resultData.error]);
}
