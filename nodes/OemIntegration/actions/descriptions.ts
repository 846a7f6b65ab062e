/** Parameters shared by several operations; their readers are in readers.ts. */
import type { INodeProperties } from 'n8n-workflow';

/** A record picked from a searchable list or given by ID; read with `extractValue`. */
export function idLocatorProperty(options: {
	name: string;
	displayName: string;
	description: string;
	searchListMethod: string;
	listPlaceholder: string;
	idPlaceholder: string;
}): INodeProperties {
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: options.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: options.listPlaceholder,
				typeOptions: { searchListMethod: options.searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: options.idPlaceholder,
			},
		],
	};
}

/** The vendor of an integration (Create, Create or Update). */
export const vendorIdProperty: INodeProperties = idLocatorProperty({
	name: 'vendorId',
	displayName: 'Vendor',
	description: 'The vendor to integrate, as listed by Vendor: List (its ID)',
	searchListMethod: 'searchVendors',
	listPlaceholder: 'Select a vendor...',
	idPlaceholder: 'e.g. 43211235',
});

/** Who a person is: the owner of a new organization (Organization: Create) or a new user (User: Add). */
export function personProperties(who: 'owner' | 'user'): INodeProperties[] {
	const person = who === 'owner' ? "The organization owner's" : "The user's";
	return [
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			description:
				who === 'owner'
					? "The organization owner's email address (the first user of the organization)"
					: "The new user's email address. Without a Vendor Organization ID, the API finds the organization by this email's domain.",
		},
		{
			displayName: 'First Name',
			name: 'firstName',
			type: 'string',
			default: '',
			required: true,
			description: `${person} first name`,
		},
		{
			displayName: 'Last Name',
			name: 'lastName',
			type: 'string',
			default: '',
			required: true,
			description: `${person} last name`,
		},
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: [
				{
					displayName: 'Vendor Organization ID',
					name: 'vendorOrganizationId',
					type: 'string',
					default: '',
					description:
						who === 'owner'
							? "Your own ID for the organization (for example the CRM account's ID). User: Add can then find the organization by it."
							: 'Your own ID of the organization the user joins, as given when it was created. Without it the API matches the email domain.',
				},
				{
					displayName: 'Vendor User ID',
					name: 'vendorUserId',
					type: 'string',
					default: '',
					description: `Your own ID for the ${who === 'owner' ? 'owner' : 'user'} (for example the CRM contact's ID)`,
				},
			],
		},
	];
}

export const returnAllProperty: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitProperty: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};
