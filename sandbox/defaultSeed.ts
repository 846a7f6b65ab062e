// The data a sandbox starts from when no seed file is given, and the fixed ids and tokens of
// it that demos and tests use directly.
import type { SandboxSeed } from './types';

/** Fixed token of the demo organization, so demos and tests can use it directly. */
export const DEMO_ORGANIZATION_TOKEN = 'demo-org-oem-token';
export const DEMO_ORGANIZATION_ID = '64b7f0c2a1d3e4f5a6b7c8d9';
export const OTHER_ORGANIZATION_TOKEN = 'other-org-oem-token';
/** The seeded integration of the second organization (id taken from the docs' sample). */
export const OTHER_ORGANIZATION_INTEGRATION_ID = '67ae3bcff05cb32e0cb6d9b7';

/**
 * The default data: vendors mixing both documented id styles ("43211235" and 24-hex),
 * template keys with spaces and dots, both integration types and both statuses; a demo
 * organization (owner + one member, no integrations), and a second organization owning one integration
 * (so "integration of another organization" can be exercised).
 */
export const DEFAULT_SEED: SandboxSeed = {
	vendors: [
		{
			id: '43211235',
			name: 'Northwind RMM',
			integrationStatus: 'active',
			integrationType: 'custom_hosted',
			integrationCredentialTemplate: { 'api key': '', 'api username': '' },
		},
		{
			id: '67ae3bcff05cb32e0cb6d9a1',
			name: 'Bluefin PSA',
			integrationStatus: 'active',
			integrationType: 'custom_hosted',
			integrationCredentialTemplate: { 'api user': '', 'api key': '', 'api secret': '' },
		},
		{
			id: '67ae3bcff05cb32e0cb6d9a2',
			name: 'Harbor Cloud Backup',
			integrationStatus: 'active',
			integrationType: 'custom_hosted',
			integrationCredentialTemplate: { 'tenant id': '', 'api key': '', region: '' },
		},
		{
			id: '67ae3bcff05cb32e0cb6d9a3',
			name: 'Lighthouse Security Awareness',
			integrationStatus: 'active',
			integrationType: 'external',
			integrationCredentialTemplate: {},
		},
		{
			id: '67ae3bcff05cb32e0cb6d9a4',
			name: 'Quartz Email Security',
			integrationStatus: 'inactive',
			integrationType: 'custom_hosted',
			integrationCredentialTemplate: { 'api key': '', 'api.endpoint': '' },
		},
		{
			id: '90017',
			name: 'Summit License Distribution',
			integrationStatus: 'active',
			integrationType: 'custom_hosted',
			integrationCredentialTemplate: { 'api username': '', 'api secret': '', 'tenant id': '' },
		},
		{
			id: '67ae3bcff05cb32e0cb6d9a5',
			name: 'Relay Telecom',
			integrationStatus: 'inactive',
			integrationType: 'external',
			integrationCredentialTemplate: {},
		},
	],
	organizations: [
		{
			id: DEMO_ORGANIZATION_ID,
			name: 'Demo MSP',
			email: 'owner@demo-msp.example',
			firstName: 'Dana',
			lastName: 'Demo',
			vendorUserId: 'demo-user-1',
			vendorOrganizationId: 'demo-org-1',
			organizationOemToken: DEMO_ORGANIZATION_TOKEN,
			// One member, so a demo "delete user" succeeds once without creating a user first.
			users: [{ email: 'tech@demo-msp.example', firstName: 'Terry', lastName: 'Tech', vendorUserId: 'demo-user-2' }],
		},
		{
			id: '64b7f0c2a1d3e4f5a6b7c8da',
			name: 'Other MSP',
			email: 'admin@other-msp.example',
			firstName: 'Olle',
			lastName: 'Other',
			vendorUserId: 'other-user-1',
			vendorOrganizationId: 'other-org-1',
			organizationOemToken: OTHER_ORGANIZATION_TOKEN,
			integrations: [
				{
					id: OTHER_ORGANIZATION_INTEGRATION_ID,
					vendorId: '43211235',
					integrationCredentials: { 'api user': 'other-api-user', 'api key': 'other-api-key' },
				},
			],
		},
	],
};
