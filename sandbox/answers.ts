// What the sandbox answers, shared by the API routes, the admin routes and the server: the
// answer's shape, the error body, the request error the routes throw, and the route-level
// 404 and 405 answers (written once so both route tables word them alike).

export interface ApiResponse {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export const errorBody = (status: number, message: string) => ({ status, message });

/** A bad request, answered with `status` and `message` (never quoting secrets from the request). */
export class HttpError extends Error {
	constructor(
		public readonly status: number,
		message: string,
	) {
		super(message);
	}
}

/** No route has this path; `shownPath` is the path as the message may show it (bounded). */
export function routeNotFound(method: string, shownPath: string): ApiResponse {
	return { status: 404, body: errorBody(404, `Cannot ${method} ${shownPath}`) };
}

/** The path has routes, none for this method; `allowed` lists the methods it has. */
export function methodNotAllowed(method: string, allowed: string[]): ApiResponse {
	const allow = allowed.join(', ');
	return { status: 405, body: errorBody(405, `Method ${method} not allowed; use ${allow}`), headers: { allow } };
}
