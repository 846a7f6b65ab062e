/**
 * The checks of the parameters both nodes show (descriptions.ts), made before any request is sent.
 * Each node reads the value its own way (the action per item, the trigger once per poll) and
 * passes it here, so the rules and their words are the same in both.
 */
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_SETTINGS, type RequestSettings } from './transport/settings';

/** The request settings among the Options, with the default for each one not set. */
export function requestSettings(options: Partial<RequestSettings>): RequestSettings {
	return {
		timeout: options.timeout ?? DEFAULT_SETTINGS.timeout,
		maxRetries: options.maxRetries ?? DEFAULT_SETTINGS.maxRetries,
		retryDelay: options.retryDelay ?? DEFAULT_SETTINGS.retryDelay,
	};
}

/**
 * A parameter value that must be text (an expression may give a whole number), trimmed. `itemIndex` is
 * the item it was read for; the trigger has no items.
 */
export function checkedText(value: unknown, node: INode, label: string, whatToDo: string, itemIndex?: number): string {
	const forItem = itemIndex === undefined ? '' : ` for item ${itemIndex}`;
	// NaN, Infinity or a number past 2^53 (its digits already lost) is never an id or a token:
	// refused here rather than sent as "NaN" and rejected by the API in other words.
	if (typeof value === 'number' && !Number.isSafeInteger(value)) {
		throw new NodeOperationError(node, `The '${label}' parameter is the number ${String(value)}${forItem}, not text`, {
			description: `${whatToDo} If it comes from an expression, check that the field it reads exists and holds text.`,
			itemIndex,
		});
	}
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string' || text.trim() === '') {
		throw new NodeOperationError(node, `The '${label}' parameter is empty${forItem}`, {
			description: whatToDo,
			itemIndex,
		});
	}
	return text.trim();
}

/** The Organization OEM Token; `whatToDo` says, in the node's words, which token to give. */
export function checkedOrganizationToken(value: unknown, node: INode, whatToDo: string, itemIndex?: number): string {
	return checkedText(value, node, 'Organization OEM Token', whatToDo, itemIndex);
}
