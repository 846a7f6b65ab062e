/**
 * An HTTP proxy (CONNECT and absolute-form requests) that answers for one registry host from a
 * LocalRegistry and passes everything else through unchanged. Requests to that host are served
 * over TLS with a test certificate (certs.ts) and forwarded to the local registry with their
 * Host header and `X-Forwarded-Proto: https`, so the registry writes tarball URLs under that
 * host and clients keep coming back through the proxy.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';

import { makeTestCertificates } from './certs';

export interface ProxiedRequest {
	method: string;
	/** path on the registry host (/n8n-nodes-mspc-oem, /n8n-nodes-mspc-oem/-/….tgz) */
	path: string;
	status?: number;
}

export interface RegistryProxy {
	/** http://127.0.0.1:<port> */
	url: string;
	/** the host answered locally */
	hostname: string;
	/** the test CA (PEM) that signed the host's certificate */
	caFile: string;
	/** the test CA plus Node's root CAs: a replacement CA list (npm's `cafile`) that still trusts real hosts */
	caBundleFile: string;
	/** requests answered for `hostname`, in order */
	requests: ProxiedRequest[];
	stop(): Promise<void>;
}

export interface RegistryProxyOptions {
	/** host name to answer locally, e.g. the host of n8n's default registry */
	hostname: string;
	/** where to send its requests: the LocalRegistry url */
	registryUrl: string;
	/** folder for the certificates (inside the caller's temp folder) */
	dir: string;
}

/**
 * Sends a client's request on through `upstream` and its answer back to the client (502 when
 * upstream cannot be reached); `answered` sees the answer's status.
 */
function forward(req: http.IncomingMessage, upstream: http.ClientRequest, res: http.ServerResponse, answered?: (status: number | undefined) => void): void {
	upstream.on('response', (answer) => {
		answered?.(answer.statusCode);
		res.writeHead(answer.statusCode ?? 502, answer.headers);
		answer.pipe(res);
	});
	upstream.on('error', () => {
		if (!res.headersSent) res.writeHead(502);
		res.end();
	});
	req.pipe(upstream);
}

export async function startRegistryProxy(opts: RegistryProxyOptions): Promise<RegistryProxy> {
	const certs = makeTestCertificates(path.join(opts.dir, 'certs'), opts.hostname);
	const caBundleFile = path.join(opts.dir, 'certs', 'ca-bundle.pem');
	fs.writeFileSync(caBundleFile, [...tls.rootCertificates, fs.readFileSync(certs.caFile, 'utf8')].join('\n'));
	const target = new URL(opts.registryUrl);
	const requests: ProxiedRequest[] = [];
	const sockets = new Set<net.Socket>();

	/** Sends one request for the registry host to the local registry. */
	const toRegistry = (req: http.IncomingMessage, res: http.ServerResponse, requestPath: string) => {
		const entry: ProxiedRequest = { method: req.method ?? 'GET', path: requestPath };
		requests.push(entry);
		const upstream = http.request({
			host: target.hostname,
			port: target.port,
			method: req.method,
			path: requestPath,
			headers: { ...req.headers, host: opts.hostname, 'x-forwarded-proto': 'https' },
		});
		forward(req, upstream, res, (status) => (entry.status = status));
	};

	// TLS-terminated requests (after CONNECT to the registry host) are parsed by this server.
	const local = http.createServer((req, res) => toRegistry(req, res, req.url ?? '/'));
	const secure = tls.createSecureContext({ key: certs.key, cert: certs.cert });

	const server = http.createServer((req, res) => {
		// absolute-form request (axios sends https:// URLs this way through an http proxy)
		let url: URL;
		try {
			url = new URL(req.url ?? '');
		} catch {
			res.writeHead(400).end();
			return;
		}
		if (url.hostname === opts.hostname) {
			toRegistry(req, res, `${url.pathname}${url.search}`);
			return;
		}
		const client = url.protocol === 'https:' ? https : http;
		forward(req, client.request(url, { method: req.method, headers: req.headers }), res);
	});

	server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		const [host, port] = (req.url ?? '').split(':');
		if (host === opts.hostname) {
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			const tlsSocket = new tls.TLSSocket(socket, { isServer: true, secureContext: secure });
			if (head.length) socket.unshift(head);
			tlsSocket.on('error', () => socket.destroy());
			local.emit('connection', tlsSocket);
			return;
		}
		const upstream = net.connect(Number(port) || 443, host, () => {
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length) upstream.write(head);
			upstream.pipe(socket);
			socket.pipe(upstream);
		});
		upstream.on('error', () => {
			if (socket.writable) socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
		});
		socket.on('close', () => upstream.destroy());
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	const { port } = server.address() as net.AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		hostname: opts.hostname,
		caFile: certs.caFile,
		caBundleFile,
		requests,
		stop: async () => {
			for (const socket of sockets) socket.destroy();
			local.close();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
