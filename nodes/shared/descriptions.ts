/** Parameters both nodes show (the trigger only the request settings among the options). */
import type { INodeProperties } from 'n8n-workflow';

export const organizationOemTokenProperty: INodeProperties = {
	displayName: 'Organization OEM Token',
	name: 'organizationOemToken',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	required: true,
	description:
		'The organization\'s OEM token, returned once when the organization (or a user) was created. Prefer an expression that reads it from where you store it, so it is not saved in the workflow.',
};

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Items at Once',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 5,
			description:
				'How many input items to send requests for at the same time; 1 sends one request after another. Without this option the node paces itself (Auto): it starts with 4, widens while the API answers fast and cleanly, up to 32, and narrows at once on a rate limit (429), a server error or slower answers.',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description:
				'How often to retry after a rate limit (429), a server error (5xx) or a network error. Creates are only retried when the API provably did not process them.',
		},
		{
			displayName: 'Rate Limit',
			name: 'rateLimit',
			type: 'fixedCollection',
			default: {},
			placeholder: 'Add Rate Limit',
			description:
				"The API's rate limit, when known: the node then never sends more than that many requests in any second or minute, so the API never has to refuse one (429). Without it the node learns the limit from the API's first 429.",
			options: [
				{
					displayName: 'Limit',
					name: 'limit',
					values: [
						{
							displayName: 'Max Requests',
							name: 'requests',
							type: 'number',
							typeOptions: { minValue: 1 },
							default: 100,
							description: 'How many requests the API allows per second or per minute',
						},
						{
							displayName: 'Per',
							name: 'per',
							type: 'options',
							options: [
								{ name: 'Second', value: 'second' },
								{ name: 'Minute', value: 'minute' },
							],
							default: 'minute',
						},
					],
				},
			],
		},
		{
			displayName: 'Retry Delay (Ms)',
			name: 'retryDelay',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1000,
			description:
				'The first wait before a retry, doubled for each further retry (with jitter). A Retry-After header from the API takes precedence.',
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30000,
			description: 'How long one request may take, from sending it to the end of the answer',
		},
	],
};
