import * as fs from 'node:fs';

import { isObject } from './isObject';
import type { SandboxSeed, SeedIntegration, SeedOrganization, SeedUser, SeedVendor } from './types';

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

export class SeedError extends Error {}

function str(v: unknown, where: string, optional = false): string | undefined {
	if (v === undefined && optional) return undefined;
	if (typeof v !== 'string' || (!optional && v === '')) {
		throw new SeedError(`${where} must be a ${optional ? '' : 'non-empty '}string`);
	}
	return v;
}

function stringMap(v: unknown, where: string): Record<string, string> {
	if (!isObject(v)) throw new SeedError(`${where} must be an object`);
	const out: Record<string, string> = Object.create(null);
	for (const key of Object.keys(v)) out[key] = str(v[key], `${where}[${JSON.stringify(key)}]`, true) ?? '';
	return out;
}

function vendor(v: unknown, where: string): SeedVendor {
	if (!isObject(v)) throw new SeedError(`${where} must be an object`);
	const t = v.integrationCredentialTemplate;
	let template: Record<string, string> | string[];
	if (Array.isArray(t)) template = t.map((k, i) => str(k, `${where}.integrationCredentialTemplate[${i}]`) as string);
	else template = stringMap(t ?? {}, `${where}.integrationCredentialTemplate`);
	return {
		id: str(v.id, `${where}.id`) as string,
		name: str(v.name, `${where}.name`) as string,
		integrationStatus: str(v.integrationStatus ?? 'active', `${where}.integrationStatus`) as string,
		integrationType: str(v.integrationType ?? 'custom_hosted', `${where}.integrationType`) as string,
		integrationCredentialTemplate: template,
	};
}

function user(v: unknown, where: string): SeedUser {
	if (!isObject(v)) throw new SeedError(`${where} must be an object`);
	return {
		email: str(v.email, `${where}.email`) as string,
		firstName: str(v.firstName, `${where}.firstName`, true),
		lastName: str(v.lastName, `${where}.lastName`, true),
		vendorUserId: str(v.vendorUserId, `${where}.vendorUserId`, true),
	};
}

function integration(v: unknown, where: string): SeedIntegration {
	if (!isObject(v)) throw new SeedError(`${where} must be an object`);
	const kind = v.integrationKind;
	if (kind !== undefined && kind !== 'credential' && kind !== 'external') {
		throw new SeedError(`${where}.integrationKind must be "credential" or "external"`);
	}
	return {
		id: str(v.id, `${where}.id`, true),
		vendorId: str(v.vendorId, `${where}.vendorId`) as string,
		integrationCredentials:
			v.integrationCredentials === undefined ? undefined : stringMap(v.integrationCredentials, `${where}.integrationCredentials`),
		integrationKind: kind,
		partnerApiKey: str(v.partnerApiKey, `${where}.partnerApiKey`, true),
	};
}

function organization(v: unknown, where: string): SeedOrganization {
	if (!isObject(v)) throw new SeedError(`${where} must be an object`);
	const list = (x: unknown, name: string) => {
		if (x === undefined) return undefined;
		if (!Array.isArray(x)) throw new SeedError(`${where}.${name} must be an array`);
		return x;
	};
	return {
		id: str(v.id, `${where}.id`, true),
		name: str(v.name, `${where}.name`) as string,
		email: str(v.email, `${where}.email`) as string,
		firstName: str(v.firstName, `${where}.firstName`, true),
		lastName: str(v.lastName, `${where}.lastName`, true),
		vendorUserId: str(v.vendorUserId, `${where}.vendorUserId`, true),
		vendorOrganizationId: str(v.vendorOrganizationId, `${where}.vendorOrganizationId`, true),
		organizationOemToken: str(v.organizationOemToken, `${where}.organizationOemToken`, true),
		users: list(v.users, 'users')?.map((u, i) => user(u, `${where}.users[${i}]`)),
		integrations: list(v.integrations, 'integrations')?.map((x, i) => integration(x, `${where}.integrations[${i}]`)),
	};
}

/** Checks a parsed seed and returns a normalised copy (throws SeedError naming the bad field). */
export function validateSeed(raw: unknown): SandboxSeed {
	if (!isObject(raw)) throw new SeedError('seed must be an object {vendors, organizations}');
	if (!Array.isArray(raw.vendors)) throw new SeedError('seed.vendors must be an array');
	const orgs = raw.organizations ?? [];
	if (!Array.isArray(orgs)) throw new SeedError('seed.organizations must be an array');
	return {
		vendors: raw.vendors.map((v, i) => vendor(v, `seed.vendors[${i}]`)),
		organizations: orgs.map((o, i) => organization(o, `seed.organizations[${i}]`)),
	};
}

export function loadSeedFile(file: string): SandboxSeed {
	let parsed: unknown;
	try {
		parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (error) {
		throw new SeedError(`cannot read seed file ${file}: ${(error as Error).message}`);
	}
	return validateSeed(parsed);
}
