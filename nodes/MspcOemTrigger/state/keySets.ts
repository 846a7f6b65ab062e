/**
 * Sets of credential keys: stored once each in the state's table (entries hold an index), read
 * back, and compared without regard to order.
 */
import type { IDataObject } from 'n8n-workflow';

import { templateKeys, type CredentialMap } from '../../shared/schemas/templates';
import type { TriggerState } from './codec';

/** The key set's identity: order does not matter. */
const setKey = (keys: string[]) => JSON.stringify([...keys].sort());

export class KeySetTable {
	readonly sets: string[][] = [];
	private readonly index = new Map<string, number>();

	add(keys: string[]): number {
		const key = setKey(keys);
		let at = this.index.get(key);
		if (at === undefined) {
			at = this.sets.push([...keys]) - 1;
			this.index.set(key, at);
		}
		return at;
	}
}

/**
 * The credential keys an answer gives for an entry; when it does not say which (no readable
 * template), the remembered ones, so that one such answer reports no key change.
 */
export const keysOf = (template: CredentialMap, remembered: string[] | undefined): string[] =>
	templateKeys(template) ?? remembered ?? [];

const isStringArray = (value: unknown): value is string[] =>
	Array.isArray(value) && value.every((entry) => typeof entry === 'string');

/** The key sets of a stored state, or undefined when they are not what this code wrote. */
export function storedKeySets(state: TriggerState): string[][] | undefined {
	const sets = state.keySets;
	return Array.isArray(sets) && sets.every(isStringArray) ? sets.map((set) => [...set]) : undefined;
}

export function sameKeys(a: string[], b: string[]): boolean {
	return setKey(a) === setKey(b);
}

export function keyChange(before: string[], after: string[]): IDataObject {
	return {
		before,
		after,
		added: after.filter((key) => !before.includes(key)),
		removed: before.filter((key) => !after.includes(key)),
	};
}
