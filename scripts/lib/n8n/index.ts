/**
 * Running our package in a real n8n, for `npm start`, the benchmarks and the end-to-end tests:
 *   versions.ts   the n8n versions we run against
 *   install.ts    installing a pinned n8n into the cache folder
 *   community-packages.ts  n8n's Community Nodes installer against a local registry (../registry)
 *   package.ts    building, packing and unpacking our package into an n8n user folder
 *   instance.ts   one n8n (CLI commands, server start/stop, its database) and its run output
 *   runResult.ts  what a workflow run came to (also for the tests' in-process runs)
 *   rest.ts       the REST client (login, credentials test, manual runs)
 *   processes.ts  process groups, ports
 *   dev.ts        `npm run dev`: rebuild on change, handed to n8n's hot reload
 */
export * from './community-packages';
export * from './install';
export * from './instance';
export * from './package';
export * from './processes';
export * from './rest';
export * from './runResult';
export * from './versions';
