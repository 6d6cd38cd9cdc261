/**
 * The yardstick for the API benchmark: a bare Fastify app on 127.0.0.1:0 whose two routes
 * do nothing but answer a JSON body of the same byte size as the sandbox's create-order and
 * get-order answers (sizes from BARE_CREATE_BYTES / BARE_GET_BYTES). The POST route still
 * has its JSON body parsed, as the sandbox's has. Run: node --import tsx bench/helpers/bare-server.ts
 */
import Fastify from 'fastify';

/** A MultiSafepay-like envelope padded to exactly `bytes` bytes of JSON. */
function paddedEnvelope(bytes: number): { success: true; data: { pad: string } } {
  const empty = JSON.stringify({ success: true, data: { pad: '' } }).length;
  return { success: true, data: { pad: 'x'.repeat(Math.max(0, bytes - empty)) } };
}

const createBytes = Number(process.env.BARE_CREATE_BYTES ?? 100);
const getBytes = Number(process.env.BARE_GET_BYTES ?? 1000);
const createBody = paddedEnvelope(createBytes);
const getBody = paddedEnvelope(getBytes);

const app = Fastify({ logger: false });
// A fresh object per reply so that serialisation happens per request, as in the sandbox.
app.post('/bare/orders', async () => ({ ...createBody, data: { ...createBody.data } }));
app.get('/bare/orders/:id', async () => ({ ...getBody, data: { ...getBody.data } }));

const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`bare fastify listening on ${address}`);
const close = (): void => void app.close().then(() => process.exit(0));
process.on('SIGTERM', close);
process.on('SIGINT', close);
