import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testFleet } from './fleet.fixtures.js';
import type { SimulatedDevice } from './fleet.js';
import type { Publisher } from './publisher.js';
import { startSimulation } from './simulation.js';

/** A publisher that records messages and acknowledges them at once (or as told). */
function recordingPublisher(
  answer: (device: SimulatedDevice) => Promise<void> = async () => undefined,
) {
  const messages: Array<{ device: SimulatedDevice; payload: string }> = [];
  let closed = 0;
  const publisher: Publisher = {
    publish: (device, payload) => {
      messages.push({ device, payload });
      return answer(device);
    },
    close: async () => {
      closed++;
    },
  };
  return { publisher, messages, closed: () => closed };
}

describe('startSimulation', () => {
  it('startSimulation sends rate × duration messages round the fleet, then closes the transports', async () => {
    const fleet = testFleet({ devices: 50 });
    const mqtt = recordingPublisher();
    const http = recordingPublisher();
    const simulation = startSimulation({
      fleet,
      timezone: 'Europe/Paris',
      rate: 500,
      durationSec: 0.4,
      timeScale: 1,
      maxInFlight: 1000,
      mqtt: mqtt.publisher,
      http: http.publisher,
    });
    const stats = await simulation.done;
    assert.equal(stats.sent, 200);
    assert.equal(stats.acked, 200);
    assert.equal(stats.failed, 0);
    assert.equal(stats.inFlight, 0);
    assert.equal(mqtt.messages.length + http.messages.length, 200);
    for (const { device } of mqtt.messages) assert.equal(device.transport, 'MQTT');
    for (const { device } of http.messages) assert.equal(device.transport, 'HTTP');
    // Four rounds of the fleet: every device reported four times.
    const counts = new Map<string, number>();
    for (const { device } of [...mqtt.messages, ...http.messages])
      counts.set(device.deviceId, (counts.get(device.deviceId) ?? 0) + 1);
    assert.deepEqual(new Set(counts.values()), new Set([4]));
    assert.equal(mqtt.closed(), 1);
    assert.equal(http.closed(), 1);
  });

  it('startSimulation encodes each device in its protocol', async () => {
    const fleet = testFleet({ devices: 40, transport: 'http' });
    const http = recordingPublisher();
    await startSimulation({
      fleet,
      timezone: 'Europe/Paris',
      rate: 1000,
      durationSec: 0.04,
      timeScale: 1,
      maxInFlight: 100,
      http: http.publisher,
    }).done;
    assert.equal(http.messages.length, 40);
    for (const { device, payload } of http.messages) {
      if (device.kind.protocol === 'IoTA-UL')
        assert.match(payload, /^[a-z0-9]+\|[^|]+(\|[a-z0-9]+\|[^|]+)*$/);
      else assert.equal(typeof JSON.parse(payload), 'object');
    }
  });

  it('startSimulation counts refusals by reason and messages without a transport', async () => {
    const fleet = testFleet({ devices: 20, transport: 'mixed' });
    const mqtt = recordingPublisher(() =>
      Promise.reject(new Error('Connection refused: Not authorized')),
    );
    const simulation = startSimulation({
      fleet,
      timezone: 'Europe/Paris',
      rate: 1000,
      durationSec: 0.02,
      timeScale: 1,
      maxInFlight: 100,
      mqtt: mqtt.publisher,
    });
    const stats = await simulation.done;
    assert.equal(stats.sent, 20);
    assert.equal(stats.acked, 0);
    assert.equal(stats.failed, 20);
    const mqttCount = fleet.devices.filter((d) => d.transport === 'MQTT').length;
    assert.deepEqual(stats.failures, {
      'Connection refused: Not authorized': mqttCount,
      'no transport': 20 - mqttCount,
    });
  });

  it('startSimulation keeps at most maxInFlight unacknowledged and stop() waits for them', async () => {
    const fleet = testFleet({ devices: 30, transport: 'http' });
    const release: Array<() => void> = [];
    const http = recordingPublisher(() => new Promise<void>((resolve) => release.push(resolve)));
    const simulation = startSimulation({
      fleet,
      timezone: 'Europe/Paris',
      rate: 10_000,
      timeScale: 1,
      maxInFlight: 25,
      http: http.publisher,
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(simulation.stats().inFlight, 25);
    assert.ok(simulation.stats().behind > 0);
    const stopping = simulation.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(http.closed(), 0);
    for (const resolve of release.splice(0)) resolve();
    const stats = await stopping;
    assert.equal(stats.sent, 25);
    assert.equal(stats.acked, 25);
    assert.equal(http.closed(), 1);
    assert.equal(await simulation.stop(), stats);
    // Nothing left to keep the process alive (a pending drain timer kept the CLI for 10 s).
    assert.ok(!process.getActiveResourcesInfo().includes('Timeout'));
  });

  it('startSimulation stop() gives up waiting after the drain timeout', async () => {
    const fleet = testFleet({ devices: 5, transport: 'http' });
    const http = recordingPublisher(() => new Promise<void>(() => undefined));
    const simulation = startSimulation({
      fleet,
      timezone: 'Europe/Paris',
      rate: 1000,
      timeScale: 1,
      maxInFlight: 3,
      http: http.publisher,
      drainTimeoutMs: 50,
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const stats = await simulation.stop();
    assert.equal(stats.inFlight, 3);
    assert.equal(http.closed(), 1);
  });

  it('startSimulation calls onSent and onAcked with the reading', async () => {
    const fleet = testFleet({ devices: 3, kinds: ['benchmark'], transport: 'http' });
    const sent: number[] = [];
    const acked: number[] = [];
    await startSimulation({
      fleet,
      timezone: 'Europe/Paris',
      rate: 600,
      durationSec: 0.01,
      timeScale: 1,
      maxInFlight: 10,
      http: recordingPublisher().publisher,
      onSent: (_d, reading) => sent.push(reading['n'] as number),
      onAcked: (_d, reading) => acked.push(reading['n'] as number),
    }).done;
    assert.deepEqual(sent, [1, 1, 1, 2, 2, 2]);
    assert.deepEqual(acked, sent);
  });
});
