/**
 * A stand-in for the platform's southbound side in tests: the IoT Agent provisioning API
 * (refusing duplicates with 409, whole batches at a time, as the IoT Agents do) and the HTTP
 * measurement endpoints, recording what arrives. Listens on a free loopback port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIotAgent {
  url: string;
  groups: Array<Record<string, unknown>>;
  devices: Map<string, Record<string, unknown>>;
  /** Measurements: path with query, content type, body text. */
  measurements: Array<{ path: string; contentType: string; body: string }>;
  /** Headers of each provisioning request. */
  provisioningHeaders: Array<Record<string, string | string[] | undefined>>;
  /** Answer measurements with this status (default 200). */
  measurementStatus: number;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

export async function startFakeIotAgent(): Promise<FakeIotAgent> {
  const agent: Omit<FakeIotAgent, 'url' | 'close'> = {
    groups: [],
    devices: new Map(),
    measurements: [],
    provisioningHeaders: [],
    measurementStatus: 200,
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const path = request.url ?? '';
    const reply = (status: number, json?: unknown) => {
      response.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
      response.end(json === undefined ? undefined : JSON.stringify(json));
    };
    if (request.method === 'POST' && path === '/iot/services') {
      agent.provisioningHeaders.push(request.headers);
      const services = (JSON.parse(body) as { services: Array<Record<string, unknown>> }).services;
      if (services.some((s) => agent.groups.some((g) => g['apikey'] === s['apikey'])))
        return reply(409, { name: 'DUPLICATE_GROUP' });
      agent.groups.push(...services);
      return reply(201);
    }
    if (request.method === 'POST' && path === '/iot/devices') {
      agent.provisioningHeaders.push(request.headers);
      const devices = (JSON.parse(body) as { devices: Array<Record<string, unknown>> }).devices;
      if (devices.some((d) => agent.devices.has(String(d['device_id']))))
        return reply(409, { name: 'DUPLICATE_DEVICE_ID' });
      for (const device of devices) agent.devices.set(String(device['device_id']), device);
      return reply(201);
    }
    if (
      request.method === 'POST' &&
      (path.startsWith('/iot/json?') || path.startsWith('/iot/d?'))
    ) {
      agent.measurements.push({ path, contentType: request.headers['content-type'] ?? '', body });
      return reply(agent.measurementStatus);
    }
    return reply(404, { title: 'Not Found' });
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.writeHead(400);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(agent, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
