import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkedOrganizationToken, checkedText, requestSettings } from '../../shared/readers';
import type { OemExecution } from '../../shared/transport/execution';
import type { RateLimit } from '../../shared/transport/rateLimit';
import type { RequestSettings } from '../../shared/transport/settings';

type Execution = OemExecution<IExecuteFunctions>;

export interface NodeOptions extends RequestSettings {
	/** Items at Once: a fixed number, or undefined for Auto. */
	concurrency?: number;
}

export function readOptions(execution: Execution, itemIndex: number): NodeOptions {
	const options = execution.parameter<Partial<NodeOptions>>('options', itemIndex, {});
	return { concurrency: options.concurrency, ...requestSettings(options) };
}

/** How many list entries to return for an item: all of them, or up to Limit. */
export function applyLimit<T>(execution: Execution, itemIndex: number, entries: T[]): T[] {
	if (execution.parameter<boolean>('returnAll', itemIndex, false)) return entries;
	const limit = execution.parameter<number>('limit', itemIndex, 50);
	return entries.slice(0, Math.max(0, limit));
}

const PER_MS: Record<string, number> = { second: 1_000, minute: 60_000 };

/**
 * The Rate Limit option (a limit known in advance), checked before any request is sent: it holds
 * for the whole execution, so it is read once.
 */
export function readRateLimit(ctx: IExecuteFunctions): RateLimit | undefined {
	const given = ctx.getNodeParameter('options.rateLimit.limit', 0, null) as { requests?: unknown; per?: unknown } | null;
	if (given === null) return undefined;
	const requests = typeof given.requests === 'string' && given.requests.trim() !== '' ? Number(given.requests) : given.requests;
	if (typeof requests !== 'number' || !Number.isInteger(requests) || requests < 1) {
		throw new NodeOperationError(ctx.getNode(), `The 'Rate Limit' option's 'Max Requests' must be a whole number of 1 or more, not ${JSON.stringify(given.requests) ?? 'empty'}`, {
			description: 'Set it to the number of requests the API allows per second or per minute, or remove the Rate Limit option to let the node learn the limit from the API.',
		});
	}
	const windowMs = typeof given.per === 'string' && Object.prototype.hasOwnProperty.call(PER_MS, given.per) ? PER_MS[given.per] : undefined;
	if (windowMs === undefined) {
		throw new NodeOperationError(ctx.getNode(), `The 'Rate Limit' option's 'Per' must be Second or Minute, not ${JSON.stringify(given.per) ?? 'empty'}`, {
			description: "Choose 'Second' or 'Minute' (an expression must give \"second\" or \"minute\").",
		});
	}
	return { requests, windowMs };
}

/**
 * A parameter that must hold text, checked before any request is sent. Resource locators
 * are read by their value.
 */
export function requireText(
	execution: Execution,
	name: string,
	label: string,
	itemIndex: number,
	whatToDo: string,
): string {
	const value = execution.parameter<unknown>(name, itemIndex, '', { extractValue: true });
	return checkedText(value, execution.node, label, whatToDo, itemIndex);
}

export function readOrganizationToken(execution: Execution, itemIndex: number): string {
	return checkedOrganizationToken(
		execution.parameter<unknown>('organizationOemToken', itemIndex, '', { extractValue: true }),
		execution.node,
		'Set it to the organizationOemToken returned when the organization was created, for example with an expression that reads it from the incoming item.',
		itemIndex,
	);
}

export function readVendorId(execution: Execution, itemIndex: number): string {
	return requireText(
		execution,
		'vendorId',
		'Vendor',
		itemIndex,
		'Pick a vendor from the list, or give its ID (the id field of Vendor: List).',
	);
}

export interface Person {
	email: string;
	firstName: string;
	lastName: string;
	vendorUserId?: string;
	vendorOrganizationId?: string;
}

/** The person parameters of Organization: Create and User: Add; optional ones left out when not set. */
export function readPerson(execution: Execution, itemIndex: number): Person {
	const email = requireText(execution, 'email', 'Email', itemIndex, 'Give the email address of the person, for example with an expression that reads it from the incoming item.');
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
		throw new NodeOperationError(execution.node, `The 'Email' parameter is not an email address for item ${itemIndex}`, {
			description: 'Give a full address such as name@example.com. Nothing was sent.',
			itemIndex,
		});
	}
	const person: Person = {
		email,
		firstName: requireText(execution, 'firstName', 'First Name', itemIndex, 'Give the first name of the person.'),
		lastName: requireText(execution, 'lastName', 'Last Name', itemIndex, 'Give the last name of the person.'),
	};
	const additional = execution.parameter<Record<string, unknown>>('additionalFields', itemIndex, {});
	for (const key of ['vendorUserId', 'vendorOrganizationId'] as const) {
		const value = additional[key];
		const text = typeof value === 'number' ? String(value) : value;
		if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) continue;
		if (typeof text !== 'string') {
			const label = key === 'vendorUserId' ? 'Vendor User ID' : 'Vendor Organization ID';
			throw new NodeOperationError(execution.node, `The '${label}' field must be text for item ${itemIndex}`, {
				description: 'Give the ID as text, for example with an expression such as {{ String($json.id) }}. Nothing was sent.',
				itemIndex,
			});
		}
		person[key] = text.trim();
	}
	return person;
}
