/**
 * What a workflow run came to, read from n8n's run object: the one run-result type of the
 * project, for runs in a real n8n (instance.ts) and in-process runs in the tests
 * (test/helpers/workflow.ts, which adds our node's task data).
 */
export interface RunResult {
	/** the IRun object n8n printed (status, data.resultData...) */
	run: any;
	status: string;
	error?: any;
	lastNodeExecuted?: string;
	runData: Record<string, any[]>;
}

export function toRunResult(run: any): RunResult {
	const resultData = run?.data?.resultData ?? {};
	return {
		run,
		status: run?.status ?? (resultData.error ? 'error' : 'success'),
		error: resultData.error,
		lastNodeExecuted: resultData.lastNodeExecuted,
		runData: resultData.runData ?? {},
	};
}
