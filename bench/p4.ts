/**
 * P4: Integration: Update items against a rate limit, in three shapes (a sliding window of 100 per
 * 10 s, the Alerts API's documented 100 per 60 s sliding window, and a fixed window of 100 per
 * 10 s): this node at its defaults (it learns the limit from the first 429), with the Rate Limit
 * option set to the limit, and the HTTP Request node paced by hand (batching at the limit's rate).
 * run.ts runs it (BENCH_ONLY=P4).
 */
import type { RecordedRequest, RunningSandbox } from '../sandbox';
import { numberEnv } from './env';
import type { Row } from './summary';
import { chain, httpUpdate, ourUpdate, updateItems } from './workflows';

export interface P4Shape {
	id: string;
	label: string;
	requests: number;
	windowSeconds: number;
	fixed: boolean;
	items: number;
	/** The Rate Limit option a user would set for it: per second or per minute, never above it. */
	option: { requests: number; per: 'second' | 'minute' };
	/** The HTTP Request node's batching at the limit's rate: so many items every so many ms. */
	batch: { size: number; intervalMs: number };
}

export function p4Shapes(quick: boolean): P4Shape[] {
	const scale = quick ? 0.2 : 1;
	return [
		{
			id: 'Sliding10',
			label: 'sliding window, 100 per 10 s',
			requests: 100,
			windowSeconds: 10,
			fixed: false,
			items: numberEnv('BENCH_P4_ITEMS', 1000 * scale),
			option: { requests: 10, per: 'second' },
			batch: { size: 10, intervalMs: 1000 },
		},
		{
			id: 'Sliding60',
			label: 'sliding window, 100 per 60 s (the Alerts API)',
			requests: 100,
			windowSeconds: 60,
			fixed: false,
			items: numberEnv('BENCH_P4_ITEMS_60', 300 * scale),
			option: { requests: 100, per: 'minute' },
			batch: { size: 5, intervalMs: 3000 },
		},
		{
			id: 'Fixed10',
			label: 'fixed window (per 10 s of the clock), 100 per 10 s',
			requests: 100,
			windowSeconds: 10,
			fixed: true,
			items: numberEnv('BENCH_P4_ITEMS', 1000 * scale),
			option: { requests: 10, per: 'second' },
			batch: { size: 10, intervalMs: 1000 },
		},
	];
}

/** What one run did at the sandbox, and the least time the limit allows its requests from the first one. */
export function p4Counts(requests: RecordedRequest[], shape: P4Shape) {
	const updated = new Set(requests.filter((r) => r.method === 'PATCH' && r.status === 200).map((r) => r.path));
	const refused = requests.filter((r) => r.status === 429);
	const firstAt = Math.min(...requests.map((r) => r.at));
	const windowMs = shape.windowSeconds * 1000;
	// The requests the API counted: this node's Integration: Update also reads the stored keys once
	// (its write guard), one request more than the HTTP Request node sends.
	const counted = requests.length - refused.length;
	const bursts = Math.ceil(counted / shape.requests);
	// Sliding: the last burst can go one window after the one before it; fixed: at the start of its
	// window of the clock.
	const floorMs = shape.fixed ? (Math.floor(firstAt / windowMs) + bursts - 1) * windowMs - firstAt : (bursts - 1) * windowMs;
	return {
		sent: requests.length,
		throttled: refused.length,
		// After the first episode: refusals of requests that reached the API once the first pause
		// had begun (it lasts at least a second; those in flight beside the first 429 came within it).
		laterThrottled: refused.filter((r) => r.at > refused[0].at + 500).length,
		updated: updated.size,
		floorMs,
	};
}

type Counts = ReturnType<typeof p4Counts>;
/** A contender's summary (medians), with the counts. */
export type P4Row = Pick<Row, 'runs' | 'nodesMs' | 'executionMs' | 'nodeCpuMs'> & Counts & { completed: number; ratio: number; failure?: string };

export const p4Contenders = (shape: P4Shape) => [
	{ id: `p4Ours${shape.id}`, node: 'Ours', label: 'This node, default settings (learns the limit)' },
	{
		id: `p4OursKnown${shape.id}`,
		node: 'Ours',
		label: `This node, Rate Limit option: ${shape.option.requests} per ${shape.option.per}`,
	},
	{
		id: `p4HttpPaced${shape.id}`,
		node: 'HTTP',
		label: `HTTP Request node paced by hand: batching, ${shape.batch.size} items every ${shape.batch.intervalMs} ms`,
	},
];

/** The workflows of one shape. */
export function p4Workflows(shape: P4Shape, sandbox: RunningSandbox, credentialId: string) {
	const [ours, known, paced] = p4Contenders(shape);
	return [
		chain(ours.id, [updateItems(shape.items), ourUpdate(credentialId, 'keyValue', {})]),
		chain(known.id, [updateItems(shape.items), ourUpdate(credentialId, 'keyValue', { rateLimit: { limit: shape.option } })]),
		chain(paced.id, [updateItems(shape.items), httpUpdate(sandbox, { batching: { batch: { batchSize: shape.batch.size, batchInterval: shape.batch.intervalMs } } })]),
	];
}

export function p4Report(shapes: P4Shape[], rows: Record<string, P4Row>, runs: number): string[] {
	const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
	const lines = [
		'## P4: Integration: Update items against a rate limit, three shapes',
		'',
		'The sandbox allows so many requests per window per client address and answers the rest 429',
		'with Retry-After (whole seconds, rounded up): a sliding window, or a fixed one counted per window',
		'of the clock. "Least" is the least time the limit allows the requests the API counted, from the',
		'first (sliding: one window per burst of the quota after the first; fixed: up to the start of the',
		'window the last burst can go in). This node\'s update also reads the stored keys once (its write',
		'guard): 1,001 requests for 1,000 items, one window more than 1,000 at these exact multiples of',
		'the quota. "× least" is the node\'s time (its executionTime in the run data) over it; the',
		'execution\'s (startedAt → stoppedAt) adds the Code node that makes the items. "429s after',
		'the first episode": refusals of requests that reached the API after the first pause began.',
		`"All done": runs (of ${runs}) where every item succeeded. Medians.`,
		'',
	];
	for (const shape of shapes) {
		lines.push(
			`### ${shape.items.toLocaleString('en-US')} updates, ${shape.label}`,
			'',
			'| | all done | 429s | 429s after the first episode | requests | node time | execution | least | × least | CPU |',
			'|---|---|---|---|---|---|---|---|---|---|',
			...p4Contenders(shape).map(({ id, label }) => {
				const row = rows[id];
				if (!row) return `| ${label} | not run | | | | | | | | |`;
				return `| ${label} | ${row.completed}/${row.runs} | ${row.throttled} | ${row.laterThrottled} | ${row.sent} | ${s(row.nodesMs)} | ${s(row.executionMs)} | ${s(row.floorMs)} | ${row.ratio.toFixed(3)}× | ${Math.round(row.nodeCpuMs).toLocaleString('en-US')} ms |`;
			}),
			'',
		);
		const failure = p4Contenders(shape)
			.map(({ id }) => rows[id]?.failure)
			.find(Boolean);
		if (failure) lines.push(`A failed run ended: ${failure.replace(/\s+/g, ' ').slice(0, 200)}`, '');
	}
	return lines;
}
