import { z } from 'zod';

/** A key → value map built without a prototype, so keys such as `__proto__` stay plain data. */
export type CredentialMap = Record<string, string>;

export function emptyMap<T>(): Record<string, T> {
	return Object.create(null) as Record<string, T>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The API gives a vendor's credential template as an object and an integration's as an array
 * of objects; both become one key → default-value map, keys exactly as the API spells them.
 */
export function normaliseTemplate(raw: unknown): CredentialMap {
	const map = emptyMap<string>();
	const parts = Array.isArray(raw) ? raw : [raw];
	for (const part of parts) {
		if (!isPlainObject(part)) continue;
		for (const key of Object.keys(part)) {
			const value = part[key];
			map[key] = typeof value === 'string' ? value : '';
		}
	}
	return map;
}

const id = z.union([z.string(), z.number()]).transform(String);
const template = z.unknown().transform(normaliseTemplate);

export const vendorSchema = z
	.object({
		id,
		name: z.string(),
		integrationStatus: z.string().optional(),
		integrationType: z.string().optional(),
		integrationCredentialTemplate: template,
	})
	.passthrough();

export const vendorListSchema = z.object({ vendors: z.array(vendorSchema) }).passthrough();

export const integrationSchema = z
	.object({
		id,
		vendorId: id,
		integrationCredentialTemplate: template,
	})
	.passthrough();

export const integrationListSchema = z
	.object({ integrations: z.array(integrationSchema) })
	.passthrough();

/** Create and update both answer with the integration they touched. */
export const integrationMutationSchema = z
	.object({
		integration: z.object({ id, vendorId: id.optional() }).passthrough(),
	})
	.passthrough();

/** Organization: Create and User: Add answer with the organization's token (the only time it is given). */
export const organizationCreatedSchema = z.object({ organizationOemToken: z.string().min(1) }).passthrough();

/** User: Remove answers `{status, message}` only. */
export const deletedSchema = z.object({}).passthrough();

/** The OEM error body is undocumented: success bodies use `status`, the Alerts API `statusCode`. */
export const apiErrorSchema = z
	.object({
		message: z.union([z.string(), z.array(z.string())]).optional(),
		error: z.string().optional(),
		status: z.number().optional(),
		statusCode: z.number().optional(),
	})
	.passthrough();

export type Vendor = z.infer<typeof vendorSchema>;
export type Integration = z.infer<typeof integrationSchema>;
