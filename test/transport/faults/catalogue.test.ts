/**
 * The fault catalogue (rows.ts): every bad input fails before any request with a message that
 * names the field and what to do; every API fault gives an error naming its cause with the
 * API's own message in the description. Each row also checks that no secret shows anywhere.
 */
import { producedText, secretsIn, useFaultSandbox, type Outcome } from './harness';
import { FAULT_ROWS, INPUT_ROWS, runRow, type Row } from './rows';

const h = useFaultSandbox();

function assertRow(row: Row, outcome: Outcome) {
	if (row.message) {
		expect(outcome.error).toBeDefined();
		for (const part of row.message) expect(outcome.error!.message).toContain(part);
		for (const part of row.description ?? []) expect(outcome.error!.description).toContain(part);
		if (row.httpCode) expect(outcome.error!.httpCode).toBe(row.httpCode);
		if (row.issues) for (const issue of row.issues) expect(outcome.issues).toContain(issue);
		else expect(outcome.issues).toBeUndefined();
	} else {
		expect(outcome.error).toBeUndefined();
		expect(outcome.output?.length).toBeGreaterThan(0);
	}
	if (row.requests !== undefined) expect(outcome.requests).toHaveLength(row.requests);
	expect(secretsIn(producedText(outcome))).toEqual([]);
}

describe('bad input', () => {
	test.each(INPUT_ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
		const outcome = await runRow(h, row);
		assertRow(row, outcome);
		row.check?.(outcome, h);
	});
});

describe('API faults', () => {
	test.each(FAULT_ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
		const outcome = await runRow(h, row);
		assertRow(row, outcome);
		row.check?.(outcome, h);
	});
});

test('every row has its own name', () => {
	const names = [...INPUT_ROWS, ...FAULT_ROWS].map((row) => row.name);
	expect(new Set(names).size).toBe(names.length);
	console.log(`fault catalogue: ${INPUT_ROWS.length} bad inputs, ${FAULT_ROWS.length} API faults`);
});
