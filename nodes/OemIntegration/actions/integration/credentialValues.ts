import type { IDataObject, IExecuteFunctions, INodeProperties, ResourceMapperValue } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { emptyMap, type CredentialMap } from '../../../shared/schemas/templates';
import type { OemExecution } from '../../../shared/transport/execution';

type Execution = OemExecution<IExecuteFunctions>;

/** What an update does to the stored credentials, said wherever values are entered for one. */
const REPLACES =
	"An update replaces the integration's stored credentials; one that would delete a stored key stops first, unless Allow Removing Stored Keys is on.";

/**
 * The opt-in to updates that delete stored keys. Its name is the one it had when it covered
 * blank template fields only, so saved workflows keep their setting and its meaning.
 */
function removalProperty(operation: 'update' | 'upsert'): INodeProperties {
	return {
		displayName: 'Allow Removing Stored Keys',
		name: 'removeBlankFields',
		type: 'boolean',
		default: false,
		description:
			"Whether this update may delete credentials the integration stores. An update replaces all of its stored values: a stored key not given here is deleted, one given blank (empty or only spaces) is emptied, and a blank Vendor Template field is not sent, so its key is deleted. Off: such an update fails before anything is sent, naming the keys (the integration's stored keys are read with Integration: List first).",
		...(operation === 'upsert' ? { displayOptions: { show: { ifExists: ['update'] } } } : {}),
	};
}

/**
 * The three ways to enter an integration's vendor-specific credential values, shared by
 * Create, Update and Create or Update. Keys are data: they are copied verbatim, never read as
 * object paths.
 */
export function credentialValueProperties(operation: 'create' | 'update' | 'upsert'): INodeProperties[] {
	const fieldsSource = operation === 'update' ? 'integrationId' : 'vendorId';
	const onUpdate = operation === 'create' ? '' : ` ${REPLACES}`;
	return [
		{
			displayName: 'Credentials Input',
			name: 'credentialsMode',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Vendor Template',
					value: 'template',
					description: "Fill in the fields of the vendor's credential template; blank fields are not sent",
				},
				{
					name: 'Key/Value Pairs',
					value: 'keyValue',
					description: 'Enter each credential key and its value, sent as given',
				},
				{
					name: 'JSON',
					value: 'json',
					description: 'Give one JSON object of key → string value, sent as given',
				},
			],
			default: 'template',
		},
		{
			displayName: 'Credential Fields',
			name: 'credentialFields',
			type: 'resourceMapper',
			noDataExpression: true,
			default: { mappingMode: 'defineBelow', value: null },
			required: true,
			typeOptions: {
				loadOptionsDependsOn: [`${fieldsSource}.value`],
				resourceMapper: {
					resourceMapperMethod: 'getCredentialFields',
					mode: 'add',
					fieldWords: { singular: 'credential field', plural: 'credential fields' },
					addAllFields: true,
					multiKeyMatch: false,
					supportAutoMap: true,
					// getCredentialFields explains every empty answer in a notice ("Select a vendor
					// first"); n8n's red "No credential fields found … Retry" would sit beside it
					hideNoDataError: true,
				},
			},
			displayOptions: { show: { credentialsMode: ['template'] } },
		},
		{
			displayName: 'Credential Values',
			name: 'credentialValues',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Credential Value',
			default: {},
			...(onUpdate ? { description: onUpdate.trim() } : {}),
			displayOptions: { show: { credentialsMode: ['keyValue'] } },
			options: [
				{
					displayName: 'Value',
					name: 'values',
					values: [
						{
							displayName: 'Key',
							name: 'key',
							type: 'string',
							default: '',
							placeholder: 'api key',
							description: "The key exactly as the vendor's template names it, spaces included",
						},
						{
							displayName: 'Value',
							name: 'value',
							type: 'string',
							typeOptions: { password: true },
							default: '',
						},
					],
				},
			],
		},
		{
			displayName: 'Credentials (JSON)',
			name: 'credentialsJson',
			type: 'json',
			default: '{\n  "api key": ""\n}',
			displayOptions: { show: { credentialsMode: ['json'] } },
			description: `An object whose keys are the credential keys and whose values are strings.${onUpdate}`,
		},
		...(operation === 'create' ? [] : [removalProperty(operation)]),
	];
}

function fail(execution: Execution, itemIndex: number, message: string, description: string) {
	return new NodeOperationError(execution.node, message, { itemIndex, description });
}

/** A key as messages name it: quoted, and cut short so a huge key cannot flood the message. */
export const shownKey = (key: string) => JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);

function addValue(
	execution: Execution,
	itemIndex: number,
	map: CredentialMap,
	key: unknown,
	value: unknown,
	where: string,
) {
	if (typeof key !== 'string' || key.trim() === '') {
		throw fail(execution, itemIndex, `A credential key in ${where} is empty`, 'Give every credential value the key the vendor expects, such as "api key".');
	}
	if (typeof value !== 'string') {
		const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
		throw fail(
			execution,
			itemIndex,
			`The credential value for key ${shownKey(key)} must be text, not ${kind}`,
			'Credential values are sent as strings. Wrap numbers in quotes, or use an expression such as {{ String($json.value) }}.',
		);
	}
	if (Object.prototype.hasOwnProperty.call(map, key)) {
		throw fail(execution, itemIndex, `The credential key ${shownKey(key)} is given twice in ${where}`, 'Remove one of the two entries.');
	}
	map[key] = value;
}

/** Blank: no value, or text that is empty after trimming. */
export const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * The template's fields; a blank one is not sent. On an update that deletes its stored key, which
 * the stored-keys guard refuses unless the user allowed it.
 */
function fromTemplate(execution: Execution, itemIndex: number): CredentialMap {
	const mapper = execution.parameter<Partial<ResourceMapperValue>>('credentialFields', itemIndex, {});
	const map = emptyMap<string>();
	// A field taken out of the mapping is not sent either.
	const fieldIds = (mapper.schema ?? []).filter((field) => !field.removed).map((field) => field.id);
	const autoMap = mapper.mappingMode === 'autoMapInputData';
	const source: IDataObject = autoMap ? execution.ctx.getInputData()[itemIndex].json : ((mapper.value ?? {}) as IDataObject);
	const given = autoMap ? [] : Object.keys(source);
	for (const key of new Set([...fieldIds, ...given])) {
		const value = Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined;
		if (!isBlank(value)) addValue(execution, itemIndex, map, key, value, 'Credential Fields');
	}
	return map;
}

function fromKeyValues(execution: Execution, itemIndex: number): CredentialMap {
	const collection = execution.parameter<{ values?: Array<{ key?: unknown; value?: unknown }> }>('credentialValues', itemIndex, {});
	const map = emptyMap<string>();
	for (const { key, value } of collection.values ?? []) {
		addValue(execution, itemIndex, map, key, value, 'Credential Values');
	}
	return map;
}

function fromJson(execution: Execution, itemIndex: number): CredentialMap {
	let parsed = execution.parameter<unknown>('credentialsJson', itemIndex, '');
	if (typeof parsed === 'string') {
		try {
			parsed = JSON.parse(parsed);
		} catch (error) {
			throw fail(
				execution,
				itemIndex,
				"The 'Credentials (JSON)' parameter is not valid JSON",
				// The parser's message can quote the input, credential values included: keep only its start.
				`Fix the JSON (${(error as Error).message.split(/[,"]/)[0].trim()}); it must be one object such as {"api key": "..."}.`,
			);
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw fail(
			execution,
			itemIndex,
			"The 'Credentials (JSON)' parameter must be a JSON object",
			'Give one object whose keys are credential keys and whose values are strings, such as {"api key": "..."}.',
		);
	}
	const source = parsed as Record<string, unknown>;
	const map = emptyMap<string>();
	for (const key of Object.keys(source)) addValue(execution, itemIndex, map, key, source[key], "'Credentials (JSON)'");
	return map;
}

/** The integrationCredentials for one item, checked before any request is sent. */
export function readCredentialValues(execution: Execution, itemIndex: number): CredentialMap {
	const mode = execution.parameter<string>('credentialsMode', itemIndex, 'template');
	const readers = { template: fromTemplate, keyValue: fromKeyValues, json: fromJson };
	const reader = readers[mode as keyof typeof readers];
	if (!reader) throw fail(execution, itemIndex, `Unknown Credentials Input "${mode}"`, 'Choose Vendor Template, Key/Value Pairs or JSON.');
	const map = reader(execution, itemIndex);
	if (Object.keys(map).length === 0) {
		throw fail(
			execution,
			itemIndex,
			'No credential values were given',
			'Enter at least one credential value (for example "api key") for the integration.',
		);
	}
	return map;
}
