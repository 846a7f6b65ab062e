/**
 * Child-process and port handling for everything that runs a real n8n: every process group
 * started here is SIGKILLed if this (non-jest) process exits first; jest's sandboxed `process`
 * does not deliver `exit`, so tests stop what they start themselves (dispose()).
 */
import * as net from 'node:net';

const liveGroups = new Set<number>();
let exitHookInstalled = false;

export function track(pid: number): void {
	liveGroups.add(pid);
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const group of liveGroups) killGroup(group, 'SIGKILL');
	});
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		/* already gone */
	}
}

export function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether 127.0.0.1:port can be bound right now. */
export async function portAvailable(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.unref();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/** Ports handed out by this process: the OS may offer a just-closed port again, to a second caller. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
	for (;;) {
		const port = await new Promise<number>((resolve, reject) => {
			const srv = net.createServer();
			srv.unref();
			srv.on('error', reject);
			srv.listen(0, '127.0.0.1', () => {
				const { port: given } = srv.address() as net.AddressInfo;
				srv.close(() => resolve(given));
			});
		});
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
}

/** Forgets a group that has been stopped (so the exit hook does not signal a reused pid). */
export function untrack(pid: number): void {
	liveGroups.delete(pid);
}
