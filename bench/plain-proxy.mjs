// The baseline of bench/gateway-proxy.mjs: a bare Fastify with @fastify/http-proxy in front of one
// upstream, defaults only: no authentication, no hooks, no logging. Every request header (the
// service assertion included) passes through. Prints {"url": ...} once listening.
// Usage: node bench/plain-proxy.mjs <upstream origin>
import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: node bench/plain-proxy.mjs <upstream origin>');
const app = Fastify({ logger: false });
await app.register(proxy, { upstream });
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ url: `http://127.0.0.1:${app.server.address().port}` }));
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
