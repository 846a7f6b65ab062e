/**
 * A Base URL that reaches some other web server: its error answers are not the OEM API's JSON,
 * so the message says that, instead of reading the status as the API's (a 404 is not "no
 * integration with this ID"). The API's own errors keep their meaning.
 */
import type { ScriptedFault } from '../../../sandbox';
import { params, run, useFaultSandbox } from './harness';

const h = useFaultSandbox();

/** Express's default answer to a route it does not have (n8n's own address answers like this). */
const EXPRESS_404 =
	'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot PATCH /api/oem-api/integration/67ae3bcff05cb32e0cb6f001</pre>\n</body>\n</html>\n';

const NOT_THE_API = "the credential's Base URL reached something that is not the MSPC OEM API";

async function updateAnswered(fault: Omit<ScriptedFault, 'method'>) {
	h.sandbox.injectNext({ method: 'PATCH', ...fault });
	return await run(h, { parameters: params('update') });
}

test.each([
	['an HTML page', { status: 404, contentType: 'text/html; charset=utf-8', body: EXPRESS_404 }, '(it answered 404 with an HTML page)'],
	['JSON of another shape', { status: 404, body: { code: 404, message: 'The requested webhook is not registered.' } }, '(it answered 404 with JSON that is not the API\'s)'],
	['the API\'s shape, not sent as JSON', { status: 404, contentType: 'text/plain', body: '{"status":404,"message":"Not found"}' }, '(it answered 404 with a body not sent as JSON)'],
	['plain text', { status: 405, contentType: 'text/plain', body: 'Method Not Allowed' }, '(it answered 405 with a body that is not JSON)'],
	['an empty body', { status: 403, action: 'empty' as const }, '(it answered 403 with an empty body)'],
])('Integration: Update answered 4xx with %s: the Base URL is named, not the ID or the token', async (_name, fault, answered) => {
	const outcome = await updateAnswered(fault);
	expect(outcome.error?.message).toBe(
		`Could not update the integration: ${NOT_THE_API} ${answered}: check that the credential's Base URL is your MSPCentric address`,
	);
	expect(outcome.error?.httpCode).toBe(String(fault.status));
});

test('the HTML page is described by its title', async () => {
	const outcome = await updateAnswered({ status: 404, contentType: 'text/html', body: EXPRESS_404 });
	expect(outcome.error?.description).toBe('It answered with an HTML page instead of JSON (titled "Error").');
});

test("the API's own 404 keeps its meaning", async () => {
	const outcome = await updateAnswered({ status: 404, body: { status: 404, message: 'Integration not found' } });
	expect(outcome.error?.message).toContain('not found (404): no integration with this ID exists');
	expect(outcome.error?.description).toBe('The API said: Integration not found');
});

test('a gateway error in front of the API (5xx HTML) is still a server error, retried as before', async () => {
	h.sandbox.injectNext({ method: 'PATCH', status: 502, contentType: 'text/html', body: '<html><title>502 Bad Gateway</title></html>', times: 3 });
	const outcome = await run(h, { parameters: params('update') });
	expect(outcome.error?.message).toContain('the MSPC OEM API failed with a server error (502) on all 3 attempts');
});
