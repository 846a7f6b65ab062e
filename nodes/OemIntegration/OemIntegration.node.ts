import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../credentials/MspcOemApi.credentials';
import { optionsProperty } from '../shared/descriptions';
import { operationProperties } from './actions/operations';
import { router } from './actions/router';
import { getCredentialFields } from './methods/resourceMapping';
import { searchIntegrations, searchVendors } from './methods/listSearch';

export class OemIntegration implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MSPC OEM',
		name: 'oemIntegration',
		icon: { light: 'file:oemIntegration.svg', dark: 'file:oemIntegration.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			"Manage MSPCentric OEM organizations, users and vendor integrations: create organizations, add or remove users, list vendors, and create, list or update an organization's integrations",
		defaults: { name: 'MSPC OEM' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [...operationProperties(), optionsProperty],
	};

	methods = {
		listSearch: { searchVendors, searchIntegrations },
		resourceMapping: { getCredentialFields },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
