/**
 * A real npm registry for the tests, one job a file:
 *   verdaccio.ts  a verdaccio on loopback in a temp folder, uplink = the machine's registry
 *   publish.ts    `npm publish` of our package (or a copy with another version) to it
 *   proxy.ts      an HTTP proxy answering one registry host from it, passing the rest through
 *   certs.ts      the test CA and host certificate that proxy serves (openssl, at run time)
 *   npm.ts        running npm with a chosen environment; the machine's registry and CA file
 * n8n/community-packages.ts puts them together for n8n's Community Nodes installer.
 */
export * from './certs';
export * from './npm';
export * from './proxy';
export * from './publish';
export * from './verdaccio';
