import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CredentialMap } from '../schemas';
import type { OemExecution } from '../transport/execution';

/** How many list entries to return for an item: all of them, or up to Limit. */
export function applyLimit<T>(execution: OemExecution<IExecuteFunctions>, itemIndex: number, entries: T[]): T[] {
	if (execution.parameter<boolean>('returnAll', itemIndex, false)) return entries;
	const limit = execution.parameter<number>('limit', itemIndex, 50);
	return entries.slice(0, Math.max(0, limit));
}

/**
 * A list entry as the user sees it: its fields, its template (already a plain key → value object,
 * see normaliseTemplate) and the template's keys as a list. A shallow copy, so the entry (shared by
 * the items of one execution) is not changed. Object.assign is V8's fastest copy that leaves room
 * for the added key (a spread with a key after it takes several times as long for 100,000 entries);
 * it assigns, so an entry with an own `__proto__` key (the list schemas drop it) is copied by
 * definition instead.
 */
export function withTemplate<T extends { integrationCredentialTemplate: CredentialMap }>(entry: T): IDataObject {
	const fields = entry as unknown as IDataObject;
	const item = Object.prototype.hasOwnProperty.call(fields, '__proto__') ? { ...fields } : Object.assign({}, fields);
	item.credentialKeys = Object.keys(entry.integrationCredentialTemplate);
	return item;
}
