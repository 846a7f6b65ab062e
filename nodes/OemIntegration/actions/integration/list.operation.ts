import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { integrationListSchema } from '../../schemas';
import { oemApiRequest } from '../../transport/request';
import {
	limitProperty,
	organizationOemTokenProperty,
	readOptions,
	readOrganizationToken,
	returnAllProperty,
} from '../common';
import { applyLimit, withTemplate } from '../listing';

const show = { resource: ['integration'], operation: ['list'] };

export const description: INodeProperties[] = [
	{ ...organizationOemTokenProperty, displayOptions: { show } },
	{ ...returnAllProperty, displayOptions: { show } },
	{ ...limitProperty, displayOptions: { show: { ...show, returnAll: [false] } } },
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(this, itemIndex);
	const { integrations } = await oemApiRequest(this, {
		method: 'POST',
		path: ['integration', 'list'],
		body: { organizationOemToken },
		schema: integrationListSchema,
		action: "list the organization's integrations",
		idempotent: true,
		shareAcrossItems: true,
		itemIndex,
		settings: readOptions(this, itemIndex),
	});
	return applyLimit(this, itemIndex, integrations).map(withTemplate);
}
