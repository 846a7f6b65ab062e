import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CredentialMap } from '../schemas';
import type { OemExecution } from '../transport/execution';

/** How many list entries to return for an item: all of them, or up to Limit. */
export function applyLimit<T>(execution: OemExecution<IExecuteFunctions>, itemIndex: number, entries: T[]): T[] {
	if (execution.parameter<boolean>('returnAll', itemIndex, false)) return entries;
	const limit = execution.parameter<number>('limit', itemIndex, 50);
	return entries.slice(0, Math.max(0, limit));
}

const defineData = (target: IDataObject, key: string, value: unknown) =>
	Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/**
 * A list entry as the user sees it: the normalised template as a plain key → value object and
 * its keys as a list, whichever shape the API gave. Built in one pass over the entry, which is
 * not changed (items of one execution share one list answer).
 */
export function withTemplate<T extends { integrationCredentialTemplate: CredentialMap }>(entry: T): IDataObject {
	const template = entry.integrationCredentialTemplate;
	const keys = Object.keys(template);
	const plain: IDataObject = {};
	for (const key of keys) {
		// A key Object.prototype also has (`__proto__`, `constructor`…) is defined, not assigned:
		// assigning `__proto__` would set the prototype, and assigning over a frozen built-in throws.
		if (key in plain) defineData(plain, key, template[key]);
		else plain[key] = template[key];
	}
	const item: IDataObject = {};
	const fields = entry as unknown as IDataObject;
	for (const key in fields) {
		const value = key === 'integrationCredentialTemplate' ? plain : fields[key];
		if (key in item) defineData(item, key, value);
		else item[key] = value;
	}
	item.credentialKeys = keys;
	return item;
}
