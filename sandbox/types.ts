// Shared types of the OEM API sandbox. Credential and template maps are plain
// objects here (JSON-friendly); they are always built with a null prototype so
// keys such as `__proto__` or `constructor` are ordinary data.

/** A vendor as it appears in a seed (template values are ignored: always ""). */
export interface SeedVendor {
	id: string;
	name: string;
	integrationStatus: string;
	integrationType: string;
	/** An object whose keys are the template keys, or a list of keys. */
	integrationCredentialTemplate: Record<string, string> | string[];
}

export interface SeedUser {
	email: string;
	firstName?: string;
	lastName?: string;
	vendorUserId?: string;
}

/** Input of user create: the user, and the integrator's id of the organization it joins. */
export interface UserInput extends SeedUser {
	vendorOrganizationId?: string;
}

/** Input of organization create, shared by the API route and the direct test helper: its owner and its name. */
export interface OrganizationInput extends UserInput {
	name: string;
	/** Only for the direct helper / seeds: a fixed token instead of a random one. */
	organizationOemToken?: string;
}

export interface SeedIntegration {
	id?: string;
	vendorId: string;
	integrationCredentials?: Record<string, string>;
	/** Set to "external" for an external integration (no credentials). */
	integrationKind?: 'credential' | 'external';
	partnerApiKey?: string;
}

/** An organization in a seed: its own name/email/... describe the owner (first user). */
export interface SeedOrganization extends OrganizationInput {
	id?: string;
	/** Further (non-owner) users, oldest first. */
	users?: SeedUser[];
	integrations?: SeedIntegration[];
}

export interface SandboxSeed {
	vendors: SeedVendor[];
	organizations?: SeedOrganization[];
}

export interface VendorRecord {
	id: string;
	name: string;
	integrationStatus: string;
	integrationType: string;
	integrationCredentialTemplate: Record<string, string>;
}

export interface UserRecord {
	id: string;
	email: string;
	firstName?: string;
	lastName?: string;
	vendorUserId?: string;
	role: 'owner' | 'member';
	createdAt: string;
}

export interface OrganizationRecord {
	id: string;
	name: string;
	email: string;
	vendorOrganizationId?: string;
	organizationOemToken: string;
	users: UserRecord[];
	createdAt: string;
}

export interface IntegrationRecord {
	id: string;
	organizationId: string;
	vendorId: string;
	integrationKind: 'credential' | 'external';
	/** Stored credential values (never sent back by the API, only shown here). */
	credentials: Record<string, string>;
	partnerApiKey?: string;
	createdAt: string;
	updatedAt: string;
}

/** A deep copy of the whole sandbox state, secrets included (it is a test aid). */
export interface SandboxStateSnapshot {
	vendors: VendorRecord[];
	organizations: OrganizationRecord[];
	integrations: IntegrationRecord[];
}

export interface RecordedRequest {
	method: string;
	/** The request target exactly as received (still percent-encoded, query included). */
	path: string;
	headers: Record<string, string | string[] | undefined>;
	rawBody: string;
	/** The parsed JSON body, or undefined when the body was empty or not JSON. */
	body: unknown;
	/** Epoch milliseconds at which the body was fully received. */
	at: number;
	/** The status the sandbox answered with, once it has (not set for scripted faults). */
	status?: number;
}

export interface FaultConfig {
	/** Added delay before every API answer, in ms. */
	latencyMs: number;
	/** Extra random delay in [0, jitterMs). */
	jitterMs: number;
	/** Share (0..1) of API requests answered with a random 500/502/503/504. */
	errorRate: number;
	/** `before`: the request is not processed; `after`: it is processed (state changed), then the 5xx is sent. */
	faultPhase: 'before' | 'after';
	/** Share (0..1) of API requests answered with 429. */
	throttleRate: number;
	/** Retry-After (seconds) sent with the random 429s. */
	retryAfterSeconds: number;
	/**
	 * A real limit per client address; null = off. A sliding window by default; `fixed`: counted per
	 * window of the clock (each starts at a multiple of windowSeconds), as many APIs count per minute.
	 */
	rateLimit: { requests: number; windowSeconds: number; fixed?: boolean } | null;
}

/** A one-shot (or `times`-shot) scripted answer for the next matching request. */
export interface ScriptedFault {
	/** Matches the request path without its query: a string must be equal, a RegExp must match. Any path when left out. */
	path?: string | RegExp;
	/** Matches the HTTP method (case-insensitive). Any method when left out. */
	method?: string;
	/** How many matching requests this applies to (default 1). */
	times?: number;
	/** Status to answer with (default 500; 200 for action "empty"). */
	status?: number;
	/** Raw body to send; a non-string is JSON-encoded. Default: a JSON `{status, message}`. */
	body?: string | Record<string, unknown> | unknown[];
	/** Content-Type of `body` (default application/json; charset=utf-8). */
	contentType?: string;
	headers?: Record<string, string>;
	/** reset: destroy the socket; hang: never answer (until stop); empty: status with an empty body. */
	action?: 'reset' | 'hang' | 'empty';
	/** before (default): the request is not processed; after: processed first, then the scripted answer replaces the real one. */
	phase?: 'before' | 'after';
}
