/**
 * The baseline: the smallest Fastify server that answers like Civis does (a small JSON on
 * GET, 201 on POST after parsing the JSON body). Measured with the same load as Civis, it
 * is the ceiling of the HTTP stack on this machine. Run as a child process by the bench.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const ENTITY = { id: 'urn:ngsi-ld:Streetlight:1', type: 'Streetlight' };

app.get('/baseline', async () => ENTITY);
app.post('/baseline', async (_request, reply) => {
  reply.status(201).header('Location', '/baseline');
  return reply.send();
});

const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ msg: 'Baseline is listening', url })}\n`);
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
