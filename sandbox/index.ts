export {
	startSandbox,
	DEFAULT_CLIENT_ID,
	DEFAULT_CLIENT_SECRET,
	DEFAULT_SCOPE,
	DEFAULT_MAX_LOGGED_REQUESTS,
	type SandboxOptions,
	type RunningSandbox,
} from './server';
export {
	DEFAULT_SEED,
	DEMO_ORGANIZATION_TOKEN,
	DEMO_ORGANIZATION_ID,
	OTHER_ORGANIZATION_TOKEN,
	OTHER_ORGANIZATION_INTEGRATION_ID,
} from './defaultSeed';
export { loadSeedFile, validateSeed, SeedError } from './seed';
export { DEFAULT_FAULTS, DEFAULT_RANDOM_SEED, FaultConfigError } from './faults';
export { MESSAGES } from './routes';
export type * from './types';
