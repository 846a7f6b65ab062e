import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as list from './list.operation';
import * as update from './update.operation';

export { create, list, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['integration'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description:
					"Create an organization's integration with a vendor, storing the vendor credentials it needs",
				action: 'Create an integration',
			},
			{
				name: 'List',
				value: 'list',
				description: "List an organization's integrations and the credential keys each one uses",
				action: 'List integrations',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Replace the stored vendor credentials of an organization's existing integration",
				action: 'Update an integration',
			},
		],
		default: 'create',
	},
	...create.description,
	...list.description,
	...update.description,
];
