// Seeds given by the user: checking one (SeedError names the bad field) and reading a seed file.
import * as fs from 'node:fs';

import { isObject } from './isObject';
import type { SandboxSeed, SeedIntegration, SeedOrganization, SeedUser, SeedVendor } from './types';

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
