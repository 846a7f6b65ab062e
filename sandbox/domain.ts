// The sandbox's domain: vendors, organizations, their users and integrations, and the rules
// the API applies to them (duplicates, lookups, who owns what). Where the state is kept on
// disk is the state file's business (stateFile.ts).
import { randomBytes } from 'node:crypto';

import { SeedError } from './seed';
import type { StateFile } from './stateFile';
import type {
	OrganizationInput,
	SandboxSeed,
	SandboxStateSnapshot,
	SeedIntegration,
	UserInput,
	UserRecord,
	VendorRecord,
} from './types';

/** A domain failure that the API answers with `status` (404/409). */
export class StoreError extends Error {
	constructor(
		public readonly status: number,
		message: string,
	) {
		super(message);
	}
}

interface Organization {
	id: string;
	name: string;
	email: string;
	vendorOrganizationId?: string;
	token: string;
	users: UserRecord[];
	createdAt: string;
}

interface Integration {
	id: string;
	organizationId: string;
	vendorId: string;
	kind: 'credential' | 'external';
	// A Map, not an object: credential keys are data (`__proto__`, `constructor`, dots...).
	credentials: Map<string, string>;
	partnerApiKey?: string;
	createdAt: string;
	updatedAt: string;
}

/** A vendor added through the admin routes. */
export interface VendorInput {
	/** Fixed id; a random 24-hex-character one (like the API's) when left out. */
	id?: string;
	name: string;
	integrationStatus?: string;
	integrationType?: string;
	/** The keys of its credential template. */
	credentialKeys?: string[];
}

const hexId = () => randomBytes(12).toString('hex');
const now = () => new Date().toISOString();

/** A null-prototype object from entries, so any key is stored verbatim. */
export function dict(entries: Iterable<[string, string]>): Record<string, string> {
	const out: Record<string, string> = Object.create(null);
	for (const [k, v] of entries) out[k] = v;
	return out;
}

function entriesOf(obj: Record<string, string> | undefined): Array<[string, string]> {
	return obj ? Object.keys(obj).map((k) => [k, obj[k]] as [string, string]) : [];
}

function emailDomain(email: string): string {
	return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The sandbox's state. Every mutation is persisted (when a state file is set) before it
 * returns, so the response that follows never acknowledges something not on disk.
 */
export class Store {
	private vendors = new Map<string, VendorRecord>();
	private orgs = new Map<string, Organization>();
	private orgsByToken = new Map<string, Organization>();
	private integrations = new Map<string, Integration>();

	constructor(
		private readonly seed: SandboxSeed,
		private readonly stateFile?: StateFile,
	) {
		const saved = stateFile?.read();
		if (saved) this.restore(saved);
		else this.resetToSeed();
	}

	/** Back to the seed (drops everything created since), persisted. */
	resetToSeed(): void {
		this.clear();
		for (const v of this.seed.vendors) {
			const t = v.integrationCredentialTemplate;
			const keys = Array.isArray(t) ? t : Object.keys(t);
			this.vendors.set(v.id, {
				id: v.id,
				name: v.name,
				integrationStatus: v.integrationStatus,
				integrationType: v.integrationType,
				integrationCredentialTemplate: dict(keys.map((k) => [k, ''])),
			});
		}
		for (const o of this.seed.organizations ?? []) {
			const org = this.addOrganization(o, o.id);
			for (const u of o.users ?? []) org.users.push(this.newUser(u, 'member'));
			for (const i of o.integrations ?? []) this.addSeedIntegration(org, i);
		}
		this.persist();
	}

	listVendors(): VendorRecord[] {
		return [...this.vendors.values()];
	}

	/** Admin: a vendor joins the catalogue (listed last, as the newest). */
	addVendor(input: VendorInput): VendorRecord {
		const id = input.id ?? hexId();
		if (this.vendors.has(id)) throw new StoreError(409, `A vendor with id ${JSON.stringify(id)} already exists`);
		const vendor: VendorRecord = {
			id,
			name: input.name,
			integrationStatus: input.integrationStatus ?? 'active',
			integrationType: input.integrationType ?? 'custom_hosted',
			integrationCredentialTemplate: dict((input.credentialKeys ?? []).map((k) => [k, ''])),
		};
		this.vendors.set(id, vendor);
		this.persist();
		return vendor;
	}

	/** Admin: changes a vendor's name, status, type or credential keys (the template). */
	updateVendor(id: string, patch: Partial<Omit<VendorInput, 'id'>>): VendorRecord {
		const vendor = this.vendors.get(id);
		if (!vendor) throw new StoreError(404, 'Vendor not found');
		if (patch.name !== undefined) vendor.name = patch.name;
		if (patch.integrationStatus !== undefined) vendor.integrationStatus = patch.integrationStatus;
		if (patch.integrationType !== undefined) vendor.integrationType = patch.integrationType;
		if (patch.credentialKeys !== undefined) vendor.integrationCredentialTemplate = dict(patch.credentialKeys.map((k) => [k, '']));
		this.persist();
		return vendor;
	}

	/** Admin: a vendor leaves the catalogue; organizations' integrations with it stay. */
	removeVendor(id: string): VendorRecord {
		const vendor = this.vendors.get(id);
		if (!vendor) throw new StoreError(404, 'Vendor not found');
		this.vendors.delete(id);
		this.persist();
		return vendor;
	}

	/** Admin: removes an integration, whichever organization has it. */
	removeIntegration(id: string): Integration {
		const integration = this.integrations.get(id);
		if (!integration) throw new StoreError(404, 'Integration not found');
		this.integrations.delete(id);
		this.persist();
		return integration;
	}

	organizationByToken(token: string): Organization | undefined {
		return this.orgsByToken.get(token);
	}

	/** Finds an organization by its internal id or by the integrator's vendorOrganizationId. */
	organizationById(id: string): Organization | undefined {
		return this.orgs.get(id) ?? [...this.orgs.values()].find((o) => o.vendorOrganizationId === id);
	}

	/**
	 * Duplicate rule (the docs only say "an organization with these details exists"): the same
	 * vendorOrganizationId, or, when none is given, the same name and email (case-insensitive).
	 */
	createOrganization(input: OrganizationInput): Organization {
		for (const o of this.orgs.values()) {
			const dup = input.vendorOrganizationId
				? o.vendorOrganizationId === input.vendorOrganizationId
				: same(o.name, input.name) && same(o.email, input.email);
			if (dup) throw new StoreError(409, 'An organization with these details already exists');
		}
		if (input.organizationOemToken && this.orgsByToken.has(input.organizationOemToken)) {
			throw new StoreError(409, 'An organization with this OEM token already exists');
		}
		const org = this.addOrganization(input);
		this.persist();
		return org;
	}

	/**
	 * The docs: the organization is found by vendorOrganizationId when it was created with one,
	 * otherwise by the email's domain (compared with the organization's own email). When
	 * several organizations share the domain the oldest wins.
	 */
	createUser(input: UserInput): Organization {
		const all = [...this.orgs.values()];
		const org =
			(input.vendorOrganizationId && all.find((o) => o.vendorOrganizationId === input.vendorOrganizationId)) ||
			all.find((o) => emailDomain(o.email) === emailDomain(input.email));
		if (!org) throw new StoreError(404, 'Organization not found for this user');
		if (org.users.some((u) => same(u.email, input.email))) {
			throw new StoreError(409, 'A user with this email already exists in the organization');
		}
		org.users.push(this.newUser(input, 'member'));
		this.persist();
		return org;
	}

	/**
	 * The docs name no user in the DELETE body, so the sandbox removes the most recently added
	 * non-owner user; the owner (first user) is never removed: 404 when only the owner is left.
	 */
	deleteUser(org: Organization): UserRecord {
		for (let i = org.users.length - 1; i >= 0; i--) {
			if (org.users[i].role !== 'owner') {
				const [removed] = org.users.splice(i, 1);
				this.persist();
				return removed;
			}
		}
		throw new StoreError(404, 'User not found');
	}

	listIntegrations(org: Organization): Integration[] {
		return [...this.integrations.values()].filter((i) => i.organizationId === org.id);
	}

	createIntegration(org: Organization, vendorId: string, credentials: Map<string, string>): Integration {
		const integration = this.newIntegration(org, vendorId, 'credential', credentials);
		this.persist();
		return integration;
	}

	createExternalIntegration(org: Organization, vendorId: string): Integration {
		const integration = this.newIntegration(org, vendorId, 'external', new Map());
		integration.partnerApiKey = `pk_${randomBytes(20).toString('hex')}`;
		this.persist();
		return integration;
	}

	/** Replaces the credentials; an integration of another organization is "not found". */
	updateIntegration(org: Organization, id: string, credentials: Map<string, string>): Integration {
		const integration = this.integrations.get(id);
		if (!integration || integration.organizationId !== org.id) throw new StoreError(404, 'Integration not found');
		integration.credentials = new Map(credentials);
		integration.updatedAt = now();
		this.persist();
		return integration;
	}

	snapshot(): SandboxStateSnapshot {
		return {
			vendors: this.listVendors().map((v) => ({
				...v,
				integrationCredentialTemplate: dict(entriesOf(v.integrationCredentialTemplate)),
			})),
			organizations: [...this.orgs.values()].map((o) => ({
				id: o.id,
				name: o.name,
				email: o.email,
				...(o.vendorOrganizationId !== undefined ? { vendorOrganizationId: o.vendorOrganizationId } : {}),
				organizationOemToken: o.token,
				users: o.users.map((u) => ({ ...u })),
				createdAt: o.createdAt,
			})),
			integrations: [...this.integrations.values()].map((i) => ({
				id: i.id,
				organizationId: i.organizationId,
				vendorId: i.vendorId,
				integrationKind: i.kind,
				credentials: dict(i.credentials),
				...(i.partnerApiKey !== undefined ? { partnerApiKey: i.partnerApiKey } : {}),
				createdAt: i.createdAt,
				updatedAt: i.updatedAt,
			})),
		};
	}

	private clear(): void {
		this.vendors.clear();
		this.orgs.clear();
		this.orgsByToken.clear();
		this.integrations.clear();
	}

	private newUser(u: UserInput, role: UserRecord['role']): UserRecord {
		const user: UserRecord = { id: hexId(), email: u.email, role, createdAt: now() };
		if (u.firstName !== undefined) user.firstName = u.firstName;
		if (u.lastName !== undefined) user.lastName = u.lastName;
		if (u.vendorUserId !== undefined) user.vendorUserId = u.vendorUserId;
		return user;
	}

	private addOrganization(input: OrganizationInput, id?: string): Organization {
		const token = input.organizationOemToken ?? `oem-${randomBytes(20).toString('hex')}`;
		const orgId = id ?? hexId();
		if (this.orgsByToken.has(token) || this.orgs.has(orgId)) {
			throw new SeedError(`duplicate organization id or token for ${JSON.stringify(input.name)}`);
		}
		const org: Organization = {
			id: orgId,
			name: input.name,
			email: input.email,
			token,
			// The first user is the Owner (docs' glossary).
			users: [this.newUser(input, 'owner')],
			createdAt: now(),
		};
		if (input.vendorOrganizationId) org.vendorOrganizationId = input.vendorOrganizationId;
		this.orgs.set(org.id, org);
		this.orgsByToken.set(token, org);
		return org;
	}

	private addSeedIntegration(org: Organization, s: SeedIntegration): void {
		if (!this.vendors.has(s.vendorId)) throw new SeedError(`seed integration refers to unknown vendor ${s.vendorId}`);
		const i = this.newIntegration(org, s.vendorId, s.integrationKind ?? 'credential', new Map(entriesOf(s.integrationCredentials)), s.id);
		if (i.kind === 'external') i.partnerApiKey = s.partnerApiKey ?? `pk_${randomBytes(20).toString('hex')}`;
	}

	private newIntegration(
		org: Organization,
		vendorId: string,
		kind: Integration['kind'],
		credentials: Map<string, string>,
		id?: string,
	): Integration {
		if (!this.vendors.has(vendorId)) throw new StoreError(404, 'Vendor not found');
		if (this.listIntegrations(org).some((i) => i.vendorId === vendorId)) {
			throw new StoreError(409, 'The organization already has an integration for this vendor');
		}
		let integrationId = id ?? hexId();
		while (!id && this.integrations.has(integrationId)) integrationId = hexId();
		if (this.integrations.has(integrationId)) throw new SeedError(`duplicate integration id ${integrationId}`);
		const at = now();
		const integration: Integration = {
			id: integrationId,
			organizationId: org.id,
			vendorId,
			kind,
			credentials: new Map(credentials),
			createdAt: at,
			updatedAt: at,
		};
		this.integrations.set(integration.id, integration);
		return integration;
	}

	/** The state as a snapshot gave it (the state file's), replacing the current one. */
	private restore(s: Partial<SandboxStateSnapshot>): void {
		this.clear();
		for (const v of s.vendors ?? []) {
			this.vendors.set(v.id, { ...v, integrationCredentialTemplate: dict(entriesOf(v.integrationCredentialTemplate)) });
		}
		for (const o of s.organizations ?? []) {
			const org: Organization = {
				id: o.id,
				name: o.name,
				email: o.email,
				token: o.organizationOemToken,
				users: o.users.map((u) => ({ ...u })),
				createdAt: o.createdAt,
			};
			if (o.vendorOrganizationId !== undefined) org.vendorOrganizationId = o.vendorOrganizationId;
			this.orgs.set(org.id, org);
			this.orgsByToken.set(org.token, org);
		}
		for (const i of s.integrations ?? []) {
			this.integrations.set(i.id, {
				id: i.id,
				organizationId: i.organizationId,
				vendorId: i.vendorId,
				kind: i.integrationKind,
				credentials: new Map(entriesOf(i.credentials)),
				...(i.partnerApiKey !== undefined ? { partnerApiKey: i.partnerApiKey } : {}),
				createdAt: i.createdAt,
				updatedAt: i.updatedAt,
			});
		}
	}

	/** Writes the state file, when there is one. */
	private persist(): void {
		this.stateFile?.write(this.snapshot());
	}
}

export type { Organization as StoreOrganization, Integration as StoreIntegration };
