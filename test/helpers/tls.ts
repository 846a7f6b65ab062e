/**
 * HTTPS servers for tests, on loopback only, with a self-signed certificate for localhost and
 * 127.0.0.1 (valid 2000–2100; made for these tests, it protects nothing).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIZLw7w7nRUmx3mlV
YGB63DvEt8xzZQaa4hPGxDD9kD2hRANCAARxyMES+IpRiRee+GgMF0p6Hx6l6Xjq
HMbVVYJlv+b90FiI15GJe6avUlS3i/4miK0W8o834qcxN1b/QEy30/LY
-----END PRIVATE KEY-----`;

const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBaDCCAQ2gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABHHIwRL4ilGJF574
aAwXSnofHqXpeOocxtVVgmW/5v3QWIjXkYl7pq9SVLeL/iaIrRbyjzfipzE3Vv9A
TLfT8tijTjBMMBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAPBgNVHRMBAf8E
BTADAQH/MB0GA1UdDgQWBBS0DVLujOJYUI6iq2nuwpnouIl9mDAKBggqhkjOPQQD
AgNJADBGAiEA9ox5WZgknk//dR1I/HJ248MxyBZJD6M5BDLE8fJgrWoCIQDYyvkp
Qv5urAnDrM/69SGMJXdP75rGpTPAmEe9bRQbPg==
-----END CERTIFICATE-----`;

export interface TlsServer {
	url: string;
	/** TCP connections accepted. */
	connections: number;
	/** Requests received whole through TLS (their first bytes, decrypted). */
	requests: string[];
	stop(): Promise<void>;
}

/**
 * A TLS server built on plain TCP sockets, so a test can write to the connection under TLS.
 * `onRequest` gets the first decrypted bytes of a request and both sockets.
 */
export async function startTlsServer(onRequest: (tls: TLSSocket, raw: Socket) => void): Promise<TlsServer> {
	const sockets = new Set<Socket>();
	const handle: Partial<TlsServer> = { connections: 0, requests: [] };
	const server: Server = createServer((raw) => {
		handle.connections!++;
		sockets.add(raw);
		raw.on('close', () => sockets.delete(raw));
		raw.on('error', () => {});
		const tls = new TLSSocket(raw, { isServer: true, key: KEY, cert: CERTIFICATE });
		tls.on('error', () => {});
		tls.once('data', (chunk: Buffer) => {
			handle.requests!.push(chunk.toString('utf8').split('\r\n')[0]);
			onRequest(tls, raw);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return Object.assign(handle, {
		url: `https://localhost:${port}`,
		stop: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	}) as TlsServer;
}

/**
 * Makes this process trust the test certificate while `body` runs, as NODE_EXTRA_CA_CERTS would
 * (jest's process.env does not reach Node's TLS): n8n's helper makes its own agent per request,
 * and every agent connects through `tls.connect`.
 */
export async function trustingTestCertificate<T>(body: () => Promise<T>): Promise<T> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const tls = require('node:tls') as { connect: (options: object, ...rest: unknown[]) => unknown };
	const connect = tls.connect;
	tls.connect = (options: object, ...rest: unknown[]) => connect({ ...options, ca: CERTIFICATE }, ...rest);
	try {
		return await body();
	} finally {
		tls.connect = connect;
	}
}
