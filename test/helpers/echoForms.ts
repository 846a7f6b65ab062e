/**
 * The forms in which servers commonly echo a value, for the redaction tests (rules alone, and
 * real echoing servers).
 */

/** Each UTF-16 unit as `\uXXXX`. */
export const unicodeEscape = (text: string, upper = false) =>
	Array.from({ length: text.length }, (_, i) => {
		const hex = text.charCodeAt(i).toString(16).padStart(4, '0');
		return `\\u${upper ? hex.toUpperCase() : hex}`;
	}).join('');
export const jsonEscape = (text: string) => JSON.stringify(text).slice(1, -1);
/** PHP's json_encode defaults: `\/`, and `\uXXXX` for every non-ASCII character. */
export const phpJson = (text: string) =>
	jsonEscape(text)
		.replace(/\//g, '\\/')
		.replace(/[^\x00-\x7f]+/gu, (chars) => unicodeEscape(chars));
/** HTML-escaped; the apostrophe as PHP writes it (`&#039;`) or as others do (`&#39;`). */
export const html = (text: string, apostrophe = '&#039;') =>
	text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, apostrophe);
/** PHP's htmlentities: named references for Latin-1 letters and the euro sign too. */
const NAMED: Record<string, string> = { 'Ä': 'Auml', 'ä': 'auml', 'é': 'eacute', '€': 'euro' };
export const htmlEntities = (text: string) => html(text).replace(/[Ääé€]/g, (char) => `&${NAMED[char]};`);
/** Every character but letters and digits as a hexadecimal reference (`&#x2f;`). */
export const hexReferences = (text: string, upper = false) =>
	[...text]
		.map((char) => {
			if (/[A-Za-z0-9]/.test(char)) return char;
			const hex = char.codePointAt(0)!.toString(16);
			return `&#x${upper ? hex.toUpperCase() : hex};`;
		})
		.join('');
/** Every character as a decimal reference (`&#47;`). */
export const decimalReferences = (text: string) => [...text].map((char) => `&#${char.codePointAt(0)};`).join('');
export const lowerPercent = (text: string) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
/** Form encoding: `+` for spaces. */
export const form = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);
