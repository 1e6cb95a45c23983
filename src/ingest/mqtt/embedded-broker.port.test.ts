import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { createLogger } from '../../platform/logging/logger.js';
import { createEmbeddedBrokerAgent } from './embedded-broker.agent.js';
import { fakeRuntime } from './mqtt.fixtures.js';

async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { server, port: address.port };
}

function agentOn(port: number, fallbackToFreePort: boolean) {
  return createEmbeddedBrokerAgent({
    port,
    fallbackToFreePort,
    host: '127.0.0.1',
    maxPayloadBytes: 1024,
    verifyPassword: async () => false,
    log: createLogger('silent'),
  });
}

describe('embedded MQTT broker port', () => {
  it('listens on a free port instead when its default port is taken', async () => {
    const { server, port } = await occupiedPort();
    const agent = agentOn(port, true);
    try {
      await agent.start(fakeRuntime([]));
      const address = agent.address();
      assert.ok(address !== undefined && address.port !== port && address.port > 0);
    } finally {
      await agent.stop();
      server.close();
    }
  });

  it('refuses to start, saying what to set, when a chosen port is taken', async () => {
    const { server, port } = await occupiedPort();
    const agent = agentOn(port, false);
    try {
      await assert.rejects(agent.start(fakeRuntime([])), /cannot listen on .*CIVIS_MQTT_PORT/);
    } finally {
      server.close();
    }
  });
});
