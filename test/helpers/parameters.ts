/** Node parameter values as n8n's editor saves them, shared by the in-process and real-n8n tests. */

/** A resource locator set "By ID". */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** The resource mapper value of Credentials Input "Vendor Template" (Define Below). */
export function templateFields(values: Record<string, string>) {
	return {
		mappingMode: 'defineBelow',
		value: values,
		matchingColumns: [],
		schema: Object.keys(values).map((id) => ({
			id,
			displayName: id,
			type: 'string',
			required: false,
			defaultMatch: false,
			display: true,
			canBeUsedToMatch: false,
		})),
	};
}

/** Organization: Create for items holding `company` and `email`, the owner's name fixed. */
export const organizationParameters = (overrides: Record<string, unknown> = {}) => ({
	resource: 'organization',
	operation: 'create',
	name: '={{ $json.company }}',
	email: '={{ $json.email }}',
	firstName: 'Casey',
	lastName: 'Contoso',
	...overrides,
});

/** Create or Update for items holding `token`, `vendor` and `credentials` (Credentials Input: JSON). */
export const upsertParameters = (overrides: Record<string, unknown> = {}) => ({
	resource: 'integration',
	operation: 'upsert',
	organizationOemToken: '={{ $json.token }}',
	vendorId: { __rl: true, mode: 'id', value: '={{ $json.vendor }}' },
	credentialsMode: 'json',
	credentialsJson: '={{ JSON.stringify($json.credentials) }}',
	...overrides,
});
