// The sandbox's state on disk (`--state-file`): read once on start, rewritten atomically after
// every change. What the state holds and which changes are allowed is the domain's business.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { SandboxStateSnapshot } from './types';

const STATE_FORMAT = 'mspc-oem-sandbox-state';

export class StateFile {
	private tmpCounter = 0;

	constructor(private readonly file: string) {}

	/** The saved state, or undefined when the file does not exist yet. */
	read(): Partial<SandboxStateSnapshot> | undefined {
		if (!fs.existsSync(this.file)) return undefined;
		let raw: unknown;
		try {
			raw = JSON.parse(fs.readFileSync(this.file, 'utf8'));
		} catch (error) {
			throw new Error(`cannot read state file ${this.file}: ${(error as Error).message}`);
		}
		const s = raw as { format?: unknown } & Partial<SandboxStateSnapshot>;
		if (typeof raw !== 'object' || raw === null || s.format !== STATE_FORMAT) {
			throw new Error(`${this.file} is not a sandbox state file`);
		}
		return s;
	}

	/**
	 * Atomic write: temp file in the same directory, fsync, rename over the target, then a
	 * best-effort fsync of the directory. A crash leaves either the old or the new file.
	 */
	write(state: SandboxStateSnapshot): void {
		const file = path.resolve(this.file);
		const dir = path.dirname(file);
		const data = JSON.stringify({ format: STATE_FORMAT, version: 1, ...state }, null, '\t');
		const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${++this.tmpCounter}.tmp`);
		try {
			const fd = fs.openSync(tmp, 'w', 0o600);
			try {
				fs.writeFileSync(fd, data);
				fs.fsyncSync(fd);
			} finally {
				fs.closeSync(fd);
			}
			fs.renameSync(tmp, file);
		} catch (error) {
			fs.rmSync(tmp, { force: true });
			throw error;
		}
		try {
			const dfd = fs.openSync(dir, 'r');
			try {
				fs.fsyncSync(dfd);
			} finally {
				fs.closeSync(dfd);
			}
		} catch {
			// Directory fsync is not supported on every platform; the rename is still atomic.
		}
	}
}
