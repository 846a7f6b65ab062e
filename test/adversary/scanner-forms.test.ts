/**
 * The shared secret scanner (test/helpers/secrets.ts) replaced three; each form an old scanner
 * caught must still be caught.
 */
import { findSecrets } from '../helpers/secrets';

/** The faults harness's old scanner (d7bebc4 test/faults/harness.ts secretsIn). */
function oldFaultsSecretsIn(text: string, secrets: readonly string[]): string[] {
	const found: string[] = [];
	for (const secret of secrets) {
		for (let i = 0; i + 8 <= secret.length; i++) {
			const piece = secret.slice(i, i + 8);
			if (text.includes(piece) || text.includes(encodeURIComponent(piece))) {
				found.push(secret);
				break;
			}
		}
	}
	return found;
}

// A non-Latin passphrase: URL-encoded it is one %-run (spaces are %20).
const SECRET = 'Пароль Секрет Ключ';

describe('URL-encoded secret next to a cut multi-byte character', () => {
	// An excerpt cut mid-character (or a byte a server added) in the same %-run as the secret.
	const texts = {
		'cut character after': `q=${encodeURIComponent(SECRET)}%D0`,
		'cut character before': `q=%81${encodeURIComponent(SECRET)}`,
		'latin-1 byte after': `q=${encodeURIComponent(SECRET)}%FF&x=1`,
	};
	it.each(Object.entries(texts))('FINDING: the old faults scanner caught it, the shared scanner misses it (%s)', (_name, text) => {
		expect(oldFaultsSecretsIn(text, [SECRET])).toEqual([SECRET]);
		expect(findSecrets(text, [SECRET])).not.toEqual([]);
	});
});
