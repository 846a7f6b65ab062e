/** What the benchmarks read from Linux's /proc (only here): a process's memory and CPU, and finding a process. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** A memory field (VmRSS, VmHWM…) of /proc/<pid>/status in kB; undefined once the process is gone. */
export function procStatusKb(pid: number | 'self', field: string): number | undefined {
	try {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined;
	}
}

/** Resets this process's peak resident set (VmHWM) to its resident set now. */
export function resetPeakRss(): void {
	fs.writeFileSync('/proc/self/clear_refs', '5');
}

/** The first process whose command line and working folder match, or undefined. */
export function findProcess(matches: (cmdline: string, cwd: string) => boolean): number | undefined {
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			if (matches(fs.readFileSync(`/proc/${name}/cmdline`, 'utf8'), fs.readlinkSync(`/proc/${name}/cwd`))) return Number(name);
		} catch {
			/* gone or not ours */
		}
	}
	return undefined;
}

const CLOCK_TICKS = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	} catch {
		return 100;
	}
})();

/**
 * CPU ticks (utime + stime + cutime + cstime) of one process from /proc/<pid>/stat, and its
 * process group. The fields are counted after the command name, which may hold spaces.
 */
function procCpu(pid: number | string): { ticks: number; group: number } | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// fields[0] is field 3 (state): pgrp is field 5, utime..cstime are fields 14..17.
		const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
		return { ticks, group: Number(fields[2]) };
	} catch {
		return undefined; // gone
	}
}

/**
 * CPU (ms) of the n8n process and every other process of its group (n8n is started as the
 * leader of its own group; its task runner is in it). A child that ended and was waited for is in
 * its parent's cutime/cstime, so the sum only grows. The leader is read first: it is the one
 * still working when the finish line is seen.
 */
export function groupCpuMs(leader: number): number {
	let ticks = procCpu(leader)?.ticks ?? 0;
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name) || Number(name) === leader) continue;
		const cpu = procCpu(name);
		if (cpu?.group === leader) ticks += cpu.ticks;
	}
	return (ticks * 1000) / CLOCK_TICKS;
}
