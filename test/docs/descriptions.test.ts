/**
 * The node descriptions (both nodes and the credential, every property) as n8n reads them,
 * frozen: a change of structure must leave them identical, and a wanted change of what the user
 * sees shows up here as a diff to review (`npx jest test/docs/descriptions.test.ts -u` accepts it).
 */
import { MspcOemApi } from '../../credentials/MspcOemApi.credentials';
import { MspcOemTrigger } from '../../nodes/MspcOemTrigger/MspcOemTrigger.node';
import { OemIntegration } from '../../nodes/OemIntegration/OemIntegration.node';

/** What n8n stores of a description: JSON (functions, such as `authenticate`, are code, not description). */
const asN8nSees = (description: object) => JSON.parse(JSON.stringify(description));

describe('the descriptions n8n reads', () => {
	it.each([
		['OemIntegration', () => new OemIntegration().description],
		['MspcOemTrigger', () => new MspcOemTrigger().description],
		['MspcOemApi credential', () => new MspcOemApi()],
	])('%s', (_name, describe) => {
		expect(asN8nSees(describe())).toMatchSnapshot();
	});
});
