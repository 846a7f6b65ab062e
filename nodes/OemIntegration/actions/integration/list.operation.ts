import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { integrationListSchema } from '../../schemas';
import type { OemExecution } from '../../transport/execution';
import { oemApiRequest } from '../../transport/request';
import { limitProperty, organizationOemTokenProperty, returnAllProperty } from '../descriptions';
import { readOptions, readOrganizationToken } from '../readers';
import { applyLimit, withTemplate } from '../listing';

export const option = {
	name: 'List',
	description: "List an organization's integrations and the credential keys each one uses",
	action: 'List integrations',
};

export const description: INodeProperties[] = [organizationOemTokenProperty, returnAllProperty, limitProperty];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	execution: OemExecution,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(this, itemIndex);
	const { integrations } = await oemApiRequest(execution, {
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
