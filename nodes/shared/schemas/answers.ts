/**
 * The OEM API's answers as zod checks them: what each operation keeps of an answer, and the
 * error bodies the transport reads. Templates are normalised by `templates.ts`; the lean path
 * for long lists (`leanLists.ts`) must build exactly what these build.
 */
import { z } from 'zod';

import { isPlainObject, normaliseTemplate } from './templates';

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

/** The vendor list as zod checks it; the node uses `vendorListSchema`, which agrees with it. */
export const vendorListZodSchema = z.object({ vendors: z.array(vendorSchema) }).passthrough();

export const integrationSchema = z
	.object({
		id,
		vendorId: id,
		integrationCredentialTemplate: template,
	})
	.passthrough();

/** The integration list as zod checks it; the node uses `integrationListSchema`, which agrees with it. */
export const integrationListZodSchema = z
	.object({ integrations: z.array(integrationSchema) })
	.passthrough();

/**
 * Create and update both answer with the integration they touched. Only its documented fields
 * are kept (and output): an API that echoes the credentials it stored must not put them into
 * the execution. A wrong `integrationKind` is left out rather than failing a write that was done.
 */
export const integrationMutationSchema = z
	.object({
		integration: z.object({ id, vendorId: id.optional(), integrationKind: z.string().optional().catch(undefined) }),
	})
	.passthrough();

const isTokenKey = (key: string) => key.toLowerCase().replace(/[^a-z]/g, '') === 'organizationoemtoken';

/** Every non-empty string under an organizationOemToken key (any spelling), at any depth. */
function tokensIn(value: unknown, found = new Set<string>()): Set<string> {
	if (Array.isArray(value)) value.forEach((entry) => tokensIn(entry, found));
	else if (isPlainObject(value)) {
		for (const [key, entry] of Object.entries(value)) {
			if (isTokenKey(key) && typeof entry === 'string' && entry.trim() !== '') found.add(entry);
			else tokensIn(entry, found);
		}
	}
	return found;
}

/**
 * Organization: Create and User: Add answer with the organization's token (the only time it is
 * given), documented at the top level. Found at any other path too, since failing would lose it;
 * two different ones cannot be told apart.
 */
export const organizationCreatedSchema = z.unknown().transform((json, ctx): { organizationOemToken: string } => {
	const tokens = [...tokensIn(json)];
	if (tokens.length === 1) return { organizationOemToken: tokens[0] };
	ctx.addIssue({
		code: z.ZodIssueCode.custom,
		path: ['organizationOemToken'],
		message: tokens.length ? `${tokens.length} different values` : 'Required',
	});
	return z.NEVER;
});

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

/**
 * An error body as the OEM API sends it (its success bodies' `{status, message}`, the Alerts API's
 * `{statusCode, message}`): words and a status. Anything else came from some other server.
 */
export const oemErrorSchema = apiErrorSchema.refine(
	(body) => (body.message !== undefined || body.error !== undefined) && (body.status !== undefined || body.statusCode !== undefined),
);

export type Vendor = z.infer<typeof vendorSchema>;
export type Integration = z.infer<typeof integrationSchema>;
