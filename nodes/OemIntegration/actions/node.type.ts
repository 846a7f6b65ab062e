import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { ItemOperation } from '../items';

/**
 * Every resource and its operations. The router, the Resource/Operation options and the
 * operation files are all typed from this map, so a missing or misspelled operation does not compile.
 */
export type OemNodeMap = {
	integration: 'create' | 'list' | 'update' | 'upsert';
	organization: 'create';
	user: 'add' | 'remove';
	vendor: 'list';
};

export type OemResource = keyof OemNodeMap;

/** What one `<resource>/<operation>.operation.ts` file exports. */
export interface OemOperation {
	/** Its entry in the Operation dropdown (the value comes from the map). */
	option: Omit<INodePropertyOptions, 'value'> & { action: string };
	/** Its parameters, without displayOptions: the registry shows them for this operation only. */
	description: INodeProperties[];
	execute: ItemOperation;
}

export type OemOperations = { [R in OemResource]: Record<OemNodeMap[R], OemOperation> };
