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
