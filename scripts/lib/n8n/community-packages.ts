/**
 * n8n's Community Nodes installer, pointed at a local registry without changing n8n: n8n
 * installs only from its default registry unless it holds an enterprise licence
 * (`getNpmRegistry` throws FeatureNotLicensedError for COMMUNITY_NODES_CUSTOM_REGISTRY), so the
 * default registry's host is answered locally through a proxy (registry/proxy.ts). n8n runs
 * `npm pack` / `npm install` / `npm outdated` through execFile with its own environment and
 * checks versions over HTTP (axios on 1.123 and 2.8, n8n's OutboundHttp on 2.41): both honour
 * the proxy variables, Node's extra CA certificates and npm's `cafile`, all set only in n8n's
 * process environment (`InstallerRegistry.n8nEnv`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { publishPackage, startLocalRegistry, startRegistryProxy } from '../registry';
import type { LocalRegistry, PublishedPackage, RegistryProxy } from '../registry';
import type { N8nInstall } from './install';

/** The registry n8n installs community packages from by default, read from n8n's own config class. */
export function defaultCommunityRegistry(install: N8nInstall): string {
	const file = path.join(install.nodeModules, 'n8n', 'dist', 'modules', 'community-packages', 'community-packages.config.js');
	const match = /this\.registry\s*=\s*'([^']+)'/.exec(fs.readFileSync(file, 'utf8'));
	if (!match) throw new Error(`no default registry found in ${file}`);
	return match[1];
}

export interface InstallerRegistry {
	registry: LocalRegistry;
	proxy: RegistryProxy;
	/** n8n's default registry, as n8n has it (https://<host>) */
	defaultRegistry: string;
	/** environment to add to n8n's processes (InstanceOptions.env) */
	n8nEnv: Record<string, string>;
	/** publishes the package (optionally as another version) to the local registry */
	publish(opts?: { version?: string }): Promise<PublishedPackage>;
	stop(): Promise<void>;
}

const LOOPBACK = 'localhost,127.0.0.1,::1';

/** A local registry, and a proxy answering n8n's default registry host from it. */
export async function startInstallerRegistry(install: N8nInstall): Promise<InstallerRegistry> {
	const defaultRegistry = defaultCommunityRegistry(install);
	const registry = await startLocalRegistry();
	let proxy: RegistryProxy;
	try {
		proxy = await startRegistryProxy({
			hostname: new URL(defaultRegistry).hostname,
			registryUrl: registry.url,
			dir: registry.dir,
		});
	} catch (error) {
		await registry.stop();
		throw error;
	}
	// n8n's npm reads no user config of this machine (whose registry is not n8n's default): an
	// empty one, its own cache, and the default registry for `npm outdated` (run without --registry)
	const npmDir = path.join(registry.dir, 'n8n-npm');
	fs.mkdirSync(npmDir, { recursive: true });
	const userconfig = path.join(npmDir, 'npmrc');
	fs.writeFileSync(userconfig, '');
	const n8nEnv: Record<string, string> = {
		HTTP_PROXY: proxy.url,
		HTTPS_PROXY: proxy.url,
		http_proxy: proxy.url,
		https_proxy: proxy.url,
		NO_PROXY: LOOPBACK,
		no_proxy: LOOPBACK,
		NODE_EXTRA_CA_CERTS: proxy.caFile,
		npm_config_cafile: proxy.caBundleFile,
		npm_config_userconfig: userconfig,
		npm_config_registry: defaultRegistry,
		npm_config_cache: path.join(npmDir, 'cache'),
		npm_config_update_notifier: 'false',
	};
	return {
		registry,
		proxy,
		defaultRegistry,
		n8nEnv,
		publish: (opts) => publishPackage(registry, opts),
		stop: async () => {
			await proxy.stop();
			await registry.stop();
		},
	};
}
