/**
 * Micro-benchmark of the list path outside n8n: from a parsed Vendor: List answer to the node's
 * output items (check and shape the answer, build each item with its plain template and key list,
 * pair it), the way vendor/list.operation.ts and items.ts do it with Return All and no filters.
 *
 *   npx ts-node --transpile-only bench/list-parse.ts            # 100,000 vendors, 7 runs each
 *   LIST_SIZE=10000 LIST_RUNS=5 npx ts-node --transpile-only bench/list-parse.ts
 *
 * Each run is a fresh Node process (started with --expose-gc) so no variant inherits another's
 * heap or JIT state. Per run: time of the path; peak memory growth, the measure bench/run.ts
 * takes inside n8n (the process's peak resident set while the path runs, minus the resident set
 * at its start: Linux's VmHWM, reset through /proc/self/clear_refs just before); and what stays
 * on the heap once the items are built (V8 heapUsed after a full collection, items still held).
 *
 * Variants:
 * - before: the zod schema and the item building as they were before the lean path;
 * - zod: the zod schema with today's item building;
 * - lean: the schema the node uses (fast check, zod on failure) with today's item building;
 * - splitOut: what n8n's Split Out node does with the same parsed answer (HTTP Request + Split
 *   Out, the do-it-yourself way): a shallow copy of each entry, paired.
 */
import { execFileSync } from 'node:child_process';

import type { IDataObject } from 'n8n-workflow';

import { withTemplate } from '../nodes/shared/listItems';
import { vendorListZodSchema } from '../nodes/shared/schemas/answers';
import { vendorListSchema } from '../nodes/shared/schemas/leanLists';
import { type CredentialMap } from '../nodes/shared/schemas/templates';
import { manyVendors } from '../scripts/lib/fixtures';
import { procStatusKb, resetPeakRss } from './proc';
import { median } from './stats';

const SIZE = Number(process.env.LIST_SIZE ?? 100_000);
const RUNS = Number(process.env.LIST_RUNS ?? 7);
const VARIANTS = ['before', 'zod', 'lean', 'splitOut'] as const;
type Variant = (typeof VARIANTS)[number];

/** The item building before the lean path: every template key through defineProperty. */
function withTemplateBefore(entry: { integrationCredentialTemplate: CredentialMap }): IDataObject {
	const template = entry.integrationCredentialTemplate;
	const keys = Object.keys(template);
	const plain: IDataObject = {};
	for (const key of keys) Object.defineProperty(plain, key, { value: template[key], enumerable: true, writable: true, configurable: true });
	return { ...(entry as unknown as IDataObject), integrationCredentialTemplate: plain, credentialKeys: keys };
}

function listPath(variant: Variant, json: unknown) {
	// HTTP Request + Split Out, as n8n's Split Out builds its items: a shallow copy of each entry.
	if (variant === 'splitOut') {
		const entries = (json as { vendors: IDataObject[] }).vendors;
		return [entries.map((entry) => ({ json: { ...entry }, pairedItem: { item: 0 } }))].flat();
	}
	const schema = variant === 'lean' ? vendorListSchema : vendorListZodSchema;
	const parsed = schema.safeParse(json);
	if (!parsed.success) throw new Error('the answer did not pass');
	const build = variant === 'before' ? withTemplateBefore : withTemplate;
	// vendor/list.operation.ts (filter, limit, items) and items.ts (pairing, then flat()).
	const matching = parsed.data.vendors.filter(() => true);
	const jsons = matching.slice(0).map((entry) => build(entry));
	return [jsons.map((json) => ({ json, pairedItem: { item: 0 } }))].flat();
}

interface Sample {
	ms: number;
	peakMiB: number;
	retainedMiB: number;
}

function statusKb(field: 'VmRSS' | 'VmHWM'): number {
	const kb = procStatusKb('self', field);
	if (kb === undefined) throw new Error(`no ${field} in /proc/self/status`);
	return kb;
}

function child(variant: Variant): void {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	const json = JSON.parse(JSON.stringify({ vendors: manyVendors(SIZE) })) as unknown;
	// Warm-up on a small list so the JIT has seen the code, as in a running n8n.
	const warm = JSON.parse(JSON.stringify({ vendors: manyVendors(1000) })) as unknown;
	for (let i = 0; i < 3; i++) listPath(variant, warm);
	gc();
	gc();
	const heapBefore = process.memoryUsage().heapUsed;
	resetPeakRss();
	const rssBefore = statusKb('VmRSS');
	const started = process.hrtime.bigint();
	const items = listPath(variant, json);
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	const peak = statusKb('VmHWM');
	gc();
	gc();
	const retained = process.memoryUsage().heapUsed;
	if (items.length !== SIZE) throw new Error(`${items.length} items`);
	const sample: Sample = { ms, peakMiB: (peak - rssBefore) / 1024, retainedMiB: (retained - heapBefore) / 2 ** 20 };
	process.stdout.write(JSON.stringify(sample));
}

function main(): void {
	const samples = new Map<Variant, Sample[]>(VARIANTS.map((v) => [v, []]));
	// Variants alternate, so a noisy moment of a shared machine hits all of them alike.
	for (let run = 0; run < RUNS; run++) {
		for (const variant of VARIANTS) {
			const out = execFileSync(
				process.execPath,
				['--expose-gc', '--max-old-space-size=4096', '-r', 'ts-node/register/transpile-only', __filename, variant],
				{ encoding: 'utf8', cwd: __dirname },
			);
			samples.get(variant)!.push(JSON.parse(out) as Sample);
		}
		process.stderr.write(`[list-parse] run ${run + 1}/${RUNS}\n`);
	}
	const row = (v: Variant) => {
		const s = samples.get(v)!;
		return { ms: median(s.map((x) => x.ms)), peakMiB: median(s.map((x) => x.peakMiB)), retainedMiB: median(s.map((x) => x.retainedMiB)) };
	};
	const before = row('before');
	const lines = [
		`${SIZE.toLocaleString('en-US')} vendors, medians of ${RUNS} runs (Node ${process.versions.node})`,
		'',
		'| variant | time | peak memory growth (RSS) | retained on the heap | time vs before | peak growth vs before | retained vs before |',
		'|---|---|---|---|---|---|---|',
		...VARIANTS.map((v) => {
			const r = row(v);
			return `| ${v} | ${r.ms.toFixed(0)} ms | ${r.peakMiB.toFixed(1)} MiB | ${r.retainedMiB.toFixed(1)} MiB | ${(r.ms / before.ms).toFixed(2)}× | ${(r.peakMiB / before.peakMiB).toFixed(2)}× | ${(r.retainedMiB / before.retainedMiB).toFixed(2)}× |`;
		}),
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}

const variant = process.argv[2] as Variant | undefined;
if (variant) child(variant);
else main();
