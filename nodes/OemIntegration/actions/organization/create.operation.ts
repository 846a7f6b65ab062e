import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OemExecution } from '../../../shared/transport/execution';
import { organizationCreatedSchema } from '../../../shared/schemas/answers';
import { oemApiRequest } from '../../../shared/transport/request';
import { personProperties } from '../descriptions';
import { readOptions, readPerson, requireText } from '../readers';

export const option = {
	name: 'Create',
	description:
		'Create an MSPCentric organization with its owner user; outputs its organization OEM token, which the API never shows again',
	action: 'Create an organization',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		description: "The organization's name (your customer's company name)",
	},
	...personProperties('owner'),
];

export async function execute(
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const name = requireText(execution, 'name', 'Name', itemIndex, "Give the organization's name, for example with an expression that reads it from the incoming item.");
	const person = readPerson(execution, itemIndex);
	const { organizationOemToken } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['organization'],
		body: { data: { name, ...person } },
		schema: organizationCreatedSchema,
		answerCannotBeHadAgain: true,
		action: 'create the organization',
		idempotent: false,
		uncertain: {
			maybe: 'The organization may have been created',
			check: 'look for it in MSPCentric (running this item again answers 409 if it exists, and the API cannot give its token again)',
		},
		hints: {
			409: 'an organization with these details (the same Vendor Organization ID, or the same name and email) already exists; its token was returned when it was created',
		},
		itemIndex,
		settings: readOptions(execution, itemIndex),
	});
	const output: IDataObject = { organizationOemToken, name, email: person.email };
	if (person.vendorOrganizationId !== undefined) output.vendorOrganizationId = person.vendorOrganizationId;
	return [output];
}
