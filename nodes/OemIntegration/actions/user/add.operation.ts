import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OemExecution } from '../../../shared/transport/execution';
import { organizationCreatedSchema } from '../../../shared/schemas/answers';
import { oemApiRequest } from '../../../shared/transport/request';
import { personProperties } from '../descriptions';
import { readOptions, readPerson } from '../readers';

export const option = {
	name: 'Add',
	description:
		"Add a user to an existing organization, found by Vendor Organization ID or by the email's domain; outputs the organization's OEM token",
	action: 'Add a user',
};

export const description: INodeProperties[] = personProperties('user');

export async function execute(
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const person = readPerson(execution, itemIndex);
	const { organizationOemToken } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['user'],
		body: { data: { ...person } },
		schema: organizationCreatedSchema,
		answerCannotBeHadAgain: true,
		action: 'add the user',
		idempotent: false,
		uncertain: {
			maybe: 'The user may have been added',
			check: 'look for the user in MSPCentric (running this item again answers 409 if the user exists)',
		},
		hints: {
			404: 'no organization matches this Vendor Organization ID, or (without one) the domain of the email; check them, or create the organization first',
			409: 'a user with this email already exists in the organization',
		},
		itemIndex,
		settings: readOptions(execution, itemIndex),
	});
	return [{ organizationOemToken, email: person.email }];
}
