import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_SETTINGS, type RequestSettings } from '../transport/settings';

interface NodeOptions extends RequestSettings {
	/** Items at Once: a fixed number, or undefined for Auto. */
	concurrency?: number;
}

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): NodeOptions {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as Partial<NodeOptions>;
	return {
		concurrency: options.concurrency,
		timeout: options.timeout ?? DEFAULT_SETTINGS.timeout,
		maxRetries: options.maxRetries ?? DEFAULT_SETTINGS.maxRetries,
		retryDelay: options.retryDelay ?? DEFAULT_SETTINGS.retryDelay,
	};
}

/**
 * A parameter that must hold text, checked before any request is sent. Resource locators
 * are read by their value.
 */
export function requireText(
	ctx: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	whatToDo: string,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string' || text.trim() === '') {
		throw new NodeOperationError(ctx.getNode(), `The '${label}' parameter is empty for item ${itemIndex}`, {
			description: whatToDo,
			itemIndex,
		});
	}
	return text.trim();
}

export function readOrganizationToken(ctx: IExecuteFunctions, itemIndex: number): string {
	return requireText(
		ctx,
		'organizationOemToken',
		'Organization OEM Token',
		itemIndex,
		'Set it to the organizationOemToken returned when the organization was created, for example with an expression that reads it from the incoming item.',
	);
}

export function readVendorId(ctx: IExecuteFunctions, itemIndex: number): string {
	return requireText(
		ctx,
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
export function readPerson(ctx: IExecuteFunctions, itemIndex: number): Person {
	const email = requireText(ctx, 'email', 'Email', itemIndex, 'Give the email address of the person, for example with an expression that reads it from the incoming item.');
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
		throw new NodeOperationError(ctx.getNode(), `The 'Email' parameter is not an email address for item ${itemIndex}`, {
			description: 'Give a full address such as name@example.com. Nothing was sent.',
			itemIndex,
		});
	}
	const person: Person = {
		email,
		firstName: requireText(ctx, 'firstName', 'First Name', itemIndex, 'Give the first name of the person.'),
		lastName: requireText(ctx, 'lastName', 'Last Name', itemIndex, 'Give the last name of the person.'),
	};
	const additional = ctx.getNodeParameter('additionalFields', itemIndex, {}) as Record<string, unknown>;
	for (const key of ['vendorUserId', 'vendorOrganizationId'] as const) {
		const value = additional[key];
		const text = typeof value === 'number' ? String(value) : value;
		if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) continue;
		if (typeof text !== 'string') {
			const label = key === 'vendorUserId' ? 'Vendor User ID' : 'Vendor Organization ID';
			throw new NodeOperationError(ctx.getNode(), `The '${label}' field must be text for item ${itemIndex}`, {
				description: 'Give the ID as text, for example with an expression such as {{ String($json.id) }}. Nothing was sent.',
				itemIndex,
			});
		}
		person[key] = text.trim();
	}
	return person;
}
