import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * What is wrong with a Base URL, in words that follow "The credential's Base URL", or undefined
 * when secrets may be sent to it: a full https:// address without path, query or login
 * (http:// only for this machine). Never echoes a login or a query, which may hold secrets.
 */
export function baseUrlProblem(value: unknown): string | undefined {
	const raw = String(value ?? '').trim();
	if (!raw) return 'is empty';
	const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
	let url: URL | undefined;
	try {
		url = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? new URL(raw) : undefined;
	} catch {
		url = undefined;
	}
	// No scheme ("host.example.com", "host:443") or unparseable: never guess one.
	if (!url) {
		return raw.includes('@')
			? 'is not a full address: it must start with https://'
			: `"${shown}" is not a full address: it must start with https://`;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return `must start with https:// (it starts with ${url.protocol}//)`;
	}
	if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
		return 'must start with https://, not http://: the client secret and tokens are only sent over HTTPS (plain http:// is allowed for localhost only)';
	}
	if (url.username || url.password) return 'must not contain a user name or password';
	if (url.search || url.hash) return 'must not contain a query (?…) or fragment (#…)';
	const path = url.pathname.replace(/\/+$/, '');
	if (path !== '') return `must be the bare address without a path: remove "${path}" (use ${url.origin})`;
	return undefined;
}

/**
 * The credential's Base URL origin, checked before any secret is sent to it: an absolute URL with
 * no path, HTTPS except on this machine's loopback (the sandbox).
 */
export function resolveBaseUrl(node: INode, baseUrl: unknown): string {
	const problem = baseUrlProblem(baseUrl);
	if (problem) {
		throw new NodeOperationError(node, `The credential's Base URL ${problem}`, {
			description:
				'Set it in the MSPC OEM API credential to your MSPCentric address, such as https://yoursubdomain.mspcentric.app (no path; a trailing slash is fine). Nothing was sent.',
		});
	}
	return new URL(String(baseUrl).trim()).origin;
}

/**
 * `/api/oem-api/…` with every segment encoded, so an id can never change the route; a segment that
 * could still move the path is refused.
 */
export function buildPath(node: INode, segments: string[], action: string, itemIndex?: number): string {
	const encoded: string[] = [];
	for (const segment of segments) {
		let safe: string | undefined;
		try {
			safe = encodeURIComponent(segment);
		} catch {
			safe = undefined; // a lone UTF-16 surrogate cannot be encoded
		}
		// "." and ".." are removed by URL normalisation even when percent-encoded, so they would
		// send the request to another route.
		if (safe === undefined || segment.trim() === '' || segment === '.' || segment === '..') {
			const shown = JSON.stringify(segment.length > 40 ? `${segment.slice(0, 40)}…` : segment);
			throw new NodeOperationError(node, `Could not ${action}: the ID ${shown} cannot be used`, {
				description: 'IDs are taken from Integration: List or Vendor: List; this one is empty, "." / "..", or holds broken characters. Nothing was sent.',
				itemIndex,
			});
		}
		encoded.push(safe);
	}
	return `/api/oem-api/${encoded.join('/')}`;
}
