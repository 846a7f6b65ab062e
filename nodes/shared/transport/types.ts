/**
 * The transport's types: a request as operations describe it, what came back, and what the attempt
 * loop decides. Types only, so every transport module can import them without a circle.
 */
import type { IHttpRequestMethods } from 'n8n-workflow';
import type { ZodIssue, ZodType, ZodTypeDef } from 'zod';

import type { RequestSettings } from './settings';

export interface OemRequest<T> {
	method: IHttpRequestMethods;
	/** Path segments after `/api/oem-api/`; each is URL-encoded, so ids can never change the route. */
	path: string[];
	/** Body fields beyond the client credentials, which the credential type adds. */
	body?: Record<string, unknown>;
	/** Validates and shapes the success body. */
	schema: Pick<ZodType<T, ZodTypeDef, unknown>, 'safeParse'>;
	/** What the request does, in the user's words: "create the integration". */
	action: string;
	/**
	 * Whether a failure after the request may have reached the server can be retried.
	 * False for creates: a lost answer would otherwise create a duplicate.
	 */
	idempotent: boolean;
	/**
	 * For requests that are not idempotent: what may have been done although no clear answer
	 * came, and how to check. Default: the integration create's words.
	 */
	uncertain?: { maybe: string; check: string };
	/**
	 * For an idempotent write (an update): the warning for a failure after which it may have been
	 * applied. Running it again is harmless, but it must not be reported as not carried out.
	 */
	appliedWarning?: string;
	/** The answer carries nothing the operation uses, so an empty 2xx body is success too. */
	emptyAnswerIsSuccess?: boolean;
	/**
	 * The answer holds what the API never gives again (a new organization's token): a 2xx body that
	 * holds it is taken as done even when it also reports a failure status, or the token is lost.
	 */
	answerCannotBeHadAgain?: boolean;
	/** Extra words for a 404 or 409, saying what to do. */
	hints?: Partial<Record<number, string>>;
	itemIndex?: number;
	settings?: RequestSettings;
	/**
	 * For reads: items of one execution that make the very same request share one answer
	 * instead of sending it again.
	 */
	shareAcrossItems?: boolean;
}

export interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** One try of a request: an answer, or the network error code that stood in its way. */
export interface Attempt {
	response?: RawResponse;
	/** A network failure's code, such as ECONNREFUSED. */
	networkCode?: string;
}

/**
 * What to do after a failed attempt: wait and try again, or stop (and why, when it is not obvious).
 * `pauseAll`: the wait is a rate limit's (429), which every request of the execution waits out.
 */
export type RetryDecision = { retry: true; waitMs: number; pauseAll: boolean } | { retry: false; stoppedBecause?: string };

/** How the attempts of one request went, for the final message. */
export interface Outcome {
	attempts: number;
	/** Why retrying stopped before maxRetries was used up, if it did. */
	stoppedBecause?: string;
}

/** What was wrong with a 2xx answer, for the message. */
export type UnexpectedAnswer =
	| { kind: 'empty' | 'notJson' | 'html' }
	| { kind: 'shape'; issues: ZodIssue[] };

/** The secrets of one request, in the forms `redact` looks for. */
export interface Secrets {
	/** Each secret fully decoded (see `decoded`). */
	readonly decoded: string[];
	/** Each secret as it was sent, and the parts of its base64 encodings that depend on it alone. */
	readonly literal: string[];
	/** Secrets shorter than MIN_LENGTH once decoded, removed only where they stand alone (see `standsAlone`). */
	readonly short: string[];
}
