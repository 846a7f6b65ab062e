import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import * as integrationCreate from './integration/create.operation';
import * as integrationList from './integration/list.operation';
import * as integrationUpdate from './integration/update.operation';
import * as integrationUpsert from './integration/upsert.operation';
import type { OemOperation, OemOperations, OemResource } from './node.type';
import * as organizationCreate from './organization/create.operation';
import * as userAdd from './user/add.operation';
import * as userRemove from './user/remove.operation';
import * as vendorList from './vendor/list.operation';

/** In the order their parameters appear in the node. */
export const operations: OemOperations = {
	vendor: { list: vendorList },
	integration: {
		create: integrationCreate,
		upsert: integrationUpsert,
		list: integrationList,
		update: integrationUpdate,
	},
	organization: { create: organizationCreate },
	user: { add: userAdd, remove: userRemove },
};

const resourceNames: Record<OemResource, string> = {
	integration: 'Integration',
	organization: 'Organization',
	user: 'User',
	vendor: 'Vendor',
};

const defaultOperation: { [R in OemResource]: keyof OemOperations[R] } = {
	integration: 'create',
	organization: 'create',
	user: 'add',
	vendor: 'list',
};

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

function operationProperty(resource: OemResource): INodeProperties {
	const entries = Object.entries(operations[resource]) as Array<[string, OemOperation]>;
	const firstShown = defaultOperation[resource];
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: entries.map(([value, operation]) => ({ ...operation.option, value })).sort(byName),
		default: firstShown,
	};
}

/** Resource and Operation selectors, then every operation's parameters shown for it alone. */
export function operationProperties(): INodeProperties[] {
	const resources = Object.keys(operations) as OemResource[];
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources.map((value) => ({ name: resourceNames[value], value })).sort(byName),
			default: 'integration',
		},
	];
	for (const resource of resources) {
		properties.push(operationProperty(resource));
		for (const [operation, { description }] of Object.entries(operations[resource]) as Array<[string, OemOperation]>) {
			properties.push(...updateDisplayOptions({ show: { resource: [resource], operation: [operation] } }, description));
		}
	}
	return properties;
}
