import { isObject } from './isObject';
import type { FaultConfig, ScriptedFault } from './types';

export const DEFAULT_FAULTS: FaultConfig = {
	latencyMs: 0,
	jitterMs: 0,
	errorRate: 0,
	faultPhase: 'before',
	throttleRate: 0,
	retryAfterSeconds: 1,
	rateLimit: null,
};

export const DEFAULT_RANDOM_SEED = 0x5eed;

const SERVER_ERRORS = [500, 502, 503, 504];

export class FaultConfigError extends Error {}

/** mulberry32: tiny seedable PRNG, so fault sequences repeat for a given seed. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function num(v: unknown, name: string, min: number, max = Infinity): number {
	if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
		throw new FaultConfigError(`${name} must be a number in [${min}, ${max === Infinity ? '∞' : max}]`);
	}
	return v;
}

/** Checks a partial fault configuration (from options, CLI or the admin route). */
export function validateFaults(input: unknown): Partial<FaultConfig> {
	if (!isObject(input)) throw new FaultConfigError('faults must be an object');
	const out: Partial<FaultConfig> = {};
	for (const key of Object.keys(input)) {
		const v = input[key];
		switch (key) {
			case 'latencyMs':
			case 'jitterMs':
			case 'retryAfterSeconds':
				out[key] = num(v, key, 0);
				break;
			case 'errorRate':
			case 'throttleRate':
				out[key] = num(v, key, 0, 1);
				break;
			case 'faultPhase':
				if (v !== 'before' && v !== 'after') throw new FaultConfigError('faultPhase must be "before" or "after"');
				out.faultPhase = v;
				break;
			case 'rateLimit':
				if (v === null) out.rateLimit = null;
				else if (isObject(v)) {
					if (v.fixed !== undefined && typeof v.fixed !== 'boolean') throw new FaultConfigError('rateLimit.fixed must be true or false');
					out.rateLimit = {
						requests: num(v.requests, 'rateLimit.requests', 1),
						windowSeconds: num(v.windowSeconds, 'rateLimit.windowSeconds', 0.001),
						...(v.fixed ? { fixed: true } : {}),
					};
				} else throw new FaultConfigError('rateLimit must be null or {requests, windowSeconds, fixed?}');
				break;
			default:
				throw new FaultConfigError(`unknown fault setting ${JSON.stringify(key)}`);
		}
	}
	return out;
}

/** Checks a scripted fault; `pathRegex` (a RegExp source) is accepted for JSON callers. */
export function validateScriptedFault(input: unknown): ScriptedFault {
	if (!isObject(input)) throw new FaultConfigError('scripted fault must be an object');
	const f: ScriptedFault = {};
	const { path, pathRegex, method, times, status, body, contentType, headers, action, phase } = input;
	if (path !== undefined) {
		if (typeof path !== 'string' && !(path instanceof RegExp)) throw new FaultConfigError('path must be a string or RegExp');
		f.path = path;
	}
	if (pathRegex !== undefined) {
		if (typeof pathRegex !== 'string') throw new FaultConfigError('pathRegex must be a string');
		try {
			f.path = new RegExp(pathRegex);
		} catch {
			throw new FaultConfigError('pathRegex is not a valid regular expression');
		}
	}
	if (method !== undefined) {
		if (typeof method !== 'string') throw new FaultConfigError('method must be a string');
		f.method = method.toUpperCase();
	}
	if (times !== undefined) {
		if (!Number.isInteger(times) || (times as number) < 1) throw new FaultConfigError('times must be a positive integer');
		f.times = times as number;
	}
	if (status !== undefined) {
		if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) {
			throw new FaultConfigError('status must be an integer in [100, 599]');
		}
		f.status = status as number;
	}
	if (body !== undefined) {
		if (typeof body !== 'string' && typeof body !== 'object') throw new FaultConfigError('body must be a string or JSON value');
		f.body = body as ScriptedFault['body'];
	}
	if (contentType !== undefined) {
		if (typeof contentType !== 'string') throw new FaultConfigError('contentType must be a string');
		f.contentType = contentType;
	}
	if (headers !== undefined) {
		if (!isObject(headers) || Object.values(headers).some((h) => typeof h !== 'string')) {
			throw new FaultConfigError('headers must be an object of strings');
		}
		f.headers = headers as Record<string, string>;
	}
	if (action !== undefined) {
		if (action !== 'reset' && action !== 'hang' && action !== 'empty') {
			throw new FaultConfigError('action must be "reset", "hang" or "empty"');
		}
		f.action = action;
	}
	if (phase !== undefined) {
		if (phase !== 'before' && phase !== 'after') throw new FaultConfigError('phase must be "before" or "after"');
		f.phase = phase;
	}
	return f;
}

export type FaultDecision =
	| { kind: 'none' }
	| { kind: 'scripted'; fault: ScriptedFault }
	| { kind: 'rateLimited'; retryAfterSeconds: number }
	| { kind: 'throttled'; retryAfterSeconds: number }
	| { kind: 'serverError'; status: number; phase: 'before' | 'after' };

/** Holds the fault configuration, the scripted queue and the rate-limit windows. */
export class Faults {
	private config: FaultConfig;
	private random: () => number;
	private queue: Array<{ fault: ScriptedFault; remaining: number }> = [];
	// Sliding window per client address: times (ms) of the requests let through.
	private windows = new Map<string, number[]>();

	constructor(
		private readonly initial: FaultConfig,
		private readonly randomSeed: number,
	) {
		this.config = { ...initial };
		this.random = seededRandom(randomSeed);
	}

	get(): FaultConfig {
		return { ...this.config, rateLimit: this.config.rateLimit && { ...this.config.rateLimit } };
	}

	set(partial: Partial<FaultConfig>): void {
		const checked = validateFaults(partial);
		if ('rateLimit' in checked) this.windows.clear();
		this.config = { ...this.config, ...checked };
	}

	inject(fault: ScriptedFault): void {
		const f = validateScriptedFault(fault);
		this.queue.push({ fault: f, remaining: f.times ?? 1 });
	}

	pendingScripted(): number {
		return this.queue.length;
	}

	/** Startup configuration, empty queue, fresh windows, RNG re-seeded. */
	reset(): void {
		this.config = { ...this.initial };
		this.queue = [];
		this.windows.clear();
		this.random = seededRandom(this.randomSeed);
	}

	delayMs(): number {
		const { latencyMs, jitterMs } = this.config;
		return latencyMs + (jitterMs > 0 ? this.random() * jitterMs : 0);
	}

	/** Scripted faults first, then the real rate limit, then random 429s, then random 5xx. */
	decide(method: string, pathname: string, client: string, nowMs: number): FaultDecision {
		const index = this.queue.findIndex(({ fault }) => matches(fault, method, pathname));
		if (index >= 0) {
			const entry = this.queue[index];
			if (--entry.remaining <= 0) this.queue.splice(index, 1);
			return { kind: 'scripted', fault: entry.fault };
		}
		const { rateLimit, throttleRate, errorRate } = this.config;
		if (rateLimit) {
			const windowMs = rateLimit.windowSeconds * 1000;
			// Sliding: the requests of the last window; fixed: those since the clock's window began.
			const windowStart = rateLimit.fixed ? Math.floor(nowMs / windowMs) * windowMs : nowMs - windowMs;
			const times = (this.windows.get(client) ?? []).filter((t) => (rateLimit.fixed ? t >= windowStart : t > windowStart));
			if (times.length >= rateLimit.requests) {
				this.windows.set(client, times);
				const reopensAt = rateLimit.fixed ? windowStart + windowMs : times[0] + windowMs;
				return { kind: 'rateLimited', retryAfterSeconds: Math.max(1, Math.ceil((reopensAt - nowMs) / 1000)) };
			}
			times.push(nowMs);
			this.windows.set(client, times);
		}
		if (throttleRate > 0 && this.random() < throttleRate) {
			return { kind: 'throttled', retryAfterSeconds: Math.ceil(this.config.retryAfterSeconds) }; // Retry-After is whole seconds
		}
		if (errorRate > 0 && this.random() < errorRate) {
			const status = SERVER_ERRORS[Math.floor(this.random() * SERVER_ERRORS.length)];
			return { kind: 'serverError', status, phase: this.config.faultPhase };
		}
		return { kind: 'none' };
	}
}

function matches(fault: ScriptedFault, method: string, pathname: string): boolean {
	if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
	if (fault.path === undefined) return true;
	if (typeof fault.path === 'string') return fault.path === pathname;
	fault.path.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
	return fault.path.test(pathname);
}
