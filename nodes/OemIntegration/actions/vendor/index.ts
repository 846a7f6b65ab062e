import type { INodeProperties } from 'n8n-workflow';

import * as list from './list.operation';

export { list };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['vendor'] } },
		options: [
			{
				name: 'List',
				value: 'list',
				description:
					'List the vendors that can be added as integrations, with the credential keys each one needs',
				action: 'List vendors',
			},
		],
		default: 'list',
	},
	...list.description,
];
