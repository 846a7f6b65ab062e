/** List entries (vendors, integrations) shaped into output items, as the action's lists and the trigger's events give them. */
import type { IDataObject } from 'n8n-workflow';

import type { CredentialMap } from './schemas/templates';

/**
 * A list entry as the user sees it: its fields, its template (already a plain key → value object,
 * see normaliseTemplate) and the template's keys as a list. The entry and its template are copied
 * (one level each), so neither the entry (shared by the items of one execution) nor another item
 * changes when a later node edits this one. Object.assign is V8's fastest copy that leaves room
 * for the added key (a spread with a key after it takes several times as long for 100,000 entries).
 */
export function withTemplate<T extends { integrationCredentialTemplate: CredentialMap }>(entry: T): IDataObject {
	const item = copyOf(entry as unknown as IDataObject);
	item.integrationCredentialTemplate = copyOf(entry.integrationCredentialTemplate);
	item.credentialKeys = Object.keys(entry.integrationCredentialTemplate);
	return item;
}

/** A one-level copy. Object.assign would set the prototype from an own `__proto__` key: spread then. */
function copyOf(fields: IDataObject): IDataObject {
	return Object.prototype.hasOwnProperty.call(fields, '__proto__') ? { ...fields } : Object.assign({}, fields);
}
