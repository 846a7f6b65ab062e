import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { baseUrlProblem } from '../../../credentials/MspcOemApi.credentials';

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
