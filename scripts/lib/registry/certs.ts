/**
 * A throw-away certificate authority and a server certificate for one host name, made with the
 * openssl CLI at run time into a temp folder (nothing naming a real host is ever committed).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestCertificates {
	/** PEM file of the test CA (for NODE_EXTRA_CA_CERTS) */
	caFile: string;
	/** PEM key and certificate of `hostname`, signed by the test CA */
	key: string;
	cert: string;
}

function openssl(args: string[], cwd: string): void {
	execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

export function makeTestCertificates(dir: string, hostname: string): TestCertificates {
	fs.mkdirSync(dir, { recursive: true });
	openssl(
		['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=n8n-nodes-mspc-oem test CA',
			'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
			'-keyout', 'ca.key', '-out', 'ca.pem'],
		dir,
	);
	openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${hostname}`, '-keyout', 'host.key', '-out', 'host.csr'], dir);
	fs.writeFileSync(
		path.join(dir, 'host.ext'),
		`subjectAltName=DNS:${hostname}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
	);
	openssl(
		['x509', '-req', '-in', 'host.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
			'-extfile', 'host.ext', '-out', 'host.pem'],
		dir,
	);
	return {
		caFile: path.join(dir, 'ca.pem'),
		key: fs.readFileSync(path.join(dir, 'host.key'), 'utf8'),
		cert: fs.readFileSync(path.join(dir, 'host.pem'), 'utf8'),
	};
}
