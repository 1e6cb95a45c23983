import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ProvisionedDevice } from '../devices/device.model.js';
import { provisionedDevice } from '../mqtt/mqtt.fixtures.js';
import { createHttpCommandTransport } from './http-command.transport.js';

describe('createHttpCommandTransport', () => {
  let server: Server;
  let base: string;
  let answer: (request: IncomingMessage, body: string, response: ServerResponse) => void;
  const requests: Array<{
    url: string | undefined;
    headers: IncomingMessage['headers'];
    body: string;
  }> = [];
  const acknowledged: Array<{ command: string; result: unknown }> = [];
  const transport = createHttpCommandTransport({
    acknowledge: async (_device, command, result) => void acknowledged.push({ command, result }),
    timeoutMs: 300,
    maxResponseBytes: 1024,
  });

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests.push({ url: request.url, headers: request.headers, body });
        answer(request, body, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function device(path: string): ProvisionedDevice {
    return provisionedDevice('lamp9', 'key1', {
      tenant: 'city',
      commands: ['switch'],
      endpoint: `${base}${path}`,
    });
  }

  it('posts {"<cmd>": value} and acknowledges the result the device answers', async () => {
    answer = (_request, _body, response) => response.end('{"switch":"switched on"}');
    acknowledged.length = 0;
    await transport.send(device('/cmd'), 'switch', 'on');
    const last = requests.at(-1);
    assert.equal(last?.url, '/cmd');
    assert.equal(last?.body, '{"switch":"on"}');
    assert.equal(last?.headers['content-type'], 'application/json');
    assert.equal(last?.headers['fiware-service'], 'city');
    assert.deepEqual(acknowledged, [{ command: 'switch', result: 'switched on' }]);
  });

  it('takes a body without the command key, or none, as the result itself', async () => {
    acknowledged.length = 0;
    answer = (_request, _body, response) => response.end('ok');
    await transport.send(device('/cmd'), 'switch', 'on');
    answer = (_request, _body, response) => response.writeHead(204).end();
    await transport.send(device('/cmd'), 'switch', 'on');
    assert.deepEqual(acknowledged, [
      { command: 'switch', result: 'ok' },
      { command: 'switch', result: '' },
    ]);
  });

  it('fails on an error status, a timeout, an oversized answer or an unreachable device', async () => {
    acknowledged.length = 0;
    answer = (_request, _body, response) => response.writeHead(500).end('boom');
    await assert.rejects(transport.send(device('/cmd'), 'switch', 'on'), /HTTP 500/);
    answer = () => undefined;
    await assert.rejects(
      transport.send(device('/slow'), 'switch', 'on'),
      /unreachable|abort|timeout/i,
    );
    answer = (_request, _body, response) => response.end('x'.repeat(5_000));
    await assert.rejects(transport.send(device('/cmd'), 'switch', 'on'), /exceeds 1024 bytes/);
    await assert.rejects(
      transport.send(provisionedDevice('d', 'k', { endpoint: 'http://127.0.0.1:9/' }), 'x', 1),
      /unreachable/,
    );
    assert.deepEqual(acknowledged, []);
  });

  it('fails for a device without an endpoint', async () => {
    await assert.rejects(
      transport.send(provisionedDevice('d', 'k'), 'switch', 'on'),
      /no endpoint/,
    );
  });

  it('never connects to a denied network, by IP literal or by a name resolving into it', async () => {
    const guarded = createHttpCommandTransport({
      acknowledge: async (_device, command, result) => void acknowledged.push({ command, result }),
      timeoutMs: 300,
      deniedNetworks: ['127.0.0.0/8', '::1/128', '169.254.0.0/16'],
    });
    const port = (server.address() as AddressInfo).port;
    acknowledged.length = 0;
    const before = requests.length;
    answer = (_request, _body, response) => response.end('ok');
    for (const endpoint of [
      `http://127.0.0.1:${port}/cmd`,
      `http://localhost:${port}/cmd`,
      'http://169.254.169.254/latest/meta-data/',
      `http://[::1]:${port}/cmd`,
    ]) {
      await assert.rejects(
        guarded.send(provisionedDevice('d', 'k', { endpoint }), 'switch', 'on'),
        /notificationDeniedNetworks|refused/,
        endpoint,
      );
    }
    for (const endpoint of ['file:///etc/passwd', 'data:text/plain,hi', 'not a url']) {
      await assert.rejects(
        guarded.send(provisionedDevice('d', 'k', { endpoint }), 'switch', 'on'),
        /not an http or https URL/,
      );
    }
    assert.equal(requests.length, before);
    assert.deepEqual(acknowledged, []);
  });
});
