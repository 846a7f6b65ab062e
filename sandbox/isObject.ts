/** A parsed JSON object: not null and not an array (both are `typeof 'object'` too). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
