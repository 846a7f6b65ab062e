import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { organizationOemTokenProperty } from '../../../shared/descriptions';
import type { OemExecution } from '../../../shared/transport/execution';
import { deletedSchema } from '../../../shared/schemas/answers';
import { oemApiRequest } from '../../../shared/transport/request';
import { readOptions, readOrganizationToken } from '../readers';

export const option = {
	name: 'Remove',
	description:
		"Remove a user from the organization whose OEM token is given (the API's request names no user: which one it removes is up to MSPCentric)",
	action: 'Remove a user',
};

export const description: INodeProperties[] = [organizationOemTokenProperty];

export async function execute(
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(execution, itemIndex);
	await oemApiRequest(execution, {
		// The API takes the token in a JSON body, on a DELETE too.
		method: 'DELETE',
		path: ['user'],
		body: { organizationOemToken },
		schema: deletedSchema,
		// The API's 201 holds only {status, message}: a 204 or a 200 with no body says as much.
		emptyAnswerIsSuccess: true,
		action: 'remove the user',
		// Sent twice, it would remove a second user.
		idempotent: false,
		uncertain: {
			maybe: 'A user may have been removed',
			check: "check the organization's users in MSPCentric",
		},
		hints: { 404: 'the organization has no user that can be removed' },
		itemIndex,
		settings: readOptions(execution, itemIndex),
	});
	return [{ deleted: true }];
}
