/**
 * P4's shapes against the rate limiter alone, over simulated time (no n8n, no HTTP, no machine
 * load): the API answers after 20 ms, at most 32 requests in flight (Auto's cap); a 429 pauses
 * every request for its Retry-After, as the node does. What the learned limit costs in 429s and
 * time, deterministically, for any change to transport/rateLimit.ts. bench/p4.ts measures the
 * same shapes in a real n8n.
 *
 *   npx ts-node --transpile-only bench/p4-sim.ts
 */
import { RateLimiter } from '../nodes/shared/transport/rateLimit';
/** The API's answer to a request arriving at `now`: 0 accepted, else Retry-After in seconds. */
type Api = (now: number) => number;
function sliding(quota: number, windowMs: number): Api {
	const acc: number[] = [];
	return (now) => { while (acc.length && acc[0] <= now - windowMs) acc.shift(); if (acc.length < quota) { acc.push(now); return 0; } return Math.ceil((acc[0] + windowMs - now) / 1000); };
}
function fixed(quota: number, windowMs: number): Api {
	let start = 0, n = 0;
	return (now) => { const w = Math.floor(now / windowMs) * windowMs; if (w !== start) { start = w; n = 0; } if (n < quota) { n++; return 0; } return Math.ceil((w + windowMs - now) / 1000); };
}
function run(api: Api, count: number, latency = 20, inFlight = 32) {
	const limiter = new RateLimiter();
	let now = 1_000_000; const t0 = now; let done = 0, refusals = 0, firstEpisodeEnd = -1, later = 0, pausedUntil = 0;
	const pending: Array<{ at: number; sent: ReturnType<RateLimiter['sent']>; ra: number }> = [];
	let queued = count;
	while (done < count) {
		pending.sort((a, b) => a.at - b.at);
		while (pending.length && pending[0].at <= now) {
			const p = pending.shift()!;
			if (p.ra) { refusals++; if (firstEpisodeEnd < 0) firstEpisodeEnd = now; else if (p.sent.sentAt > firstEpisodeEnd) later++; pausedUntil = Math.max(pausedUntil, now + p.ra * 1000); queued++; limiter.answered(p.sent, now, { statusCode: 429, headers: { 'retry-after': String(p.ra) }, body: {} }); }
			else { done++; limiter.answered(p.sent, now); }
		}
		const d = limiter.delay(now);
		if (queued > 0 && now >= pausedUntil && d === 0 && pending.length < inFlight) {
			const sent = limiter.sent(now); queued--; pending.push({ at: now + latency, sent, ra: api(now) }); continue;
		}
		now += 1;
	}
	return { refusals, later, seconds: (now - t0) / 1000 };
}
console.log('sliding 100/10s 1001', run(sliding(100, 10_000), 1001));
console.log('sliding 100/60s 301', run(sliding(100, 60_000), 301));
console.log('fixed 100/10s 1001', run(fixed(100, 10_000), 1001));
