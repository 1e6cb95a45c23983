/**
 * Publishes device messages over the IoT Agent southbound HTTP API (POST /iot/json or
 * /iot/d with ?k=<apikey>&i=<device_id>) on a keep-alive connection pool.
 */
import { Pool } from 'undici';
import type { Publisher } from './publisher.js';
import { measurementPath } from './publisher.js';

export class HttpPublishError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
    this.name = 'HttpPublishError';
  }
}

export function createHttpPublisher(options: {
  baseUrl: string;
  connections?: number;
  timeoutMs?: number;
}): Publisher {
  const timeout = options.timeoutMs ?? 10_000;
  const pool = new Pool(new URL(options.baseUrl).origin, {
    connections: options.connections ?? 16,
    pipelining: 1,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  return {
    async publish(device, payload) {
      const response = await pool.request({
        method: 'POST',
        path: measurementPath(device),
        headers: {
          'content-type': device.kind.protocol === 'IoTA-UL' ? 'text/plain' : 'application/json',
        },
        body: payload,
      });
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw new HttpPublishError(response.statusCode);
    },
    async close() {
      await pool.close();
    },
  };
}
