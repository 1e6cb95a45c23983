/**
 * Puts a simulation together from its options: the city, the fleet, provisioning, the
 * transports the fleet needs, then the paced sending. Used by `civis simulate` and by the
 * demo that `civis start` runs.
 */
import type { Logger } from 'pino';
import { indexCity } from './demo-city.model.js';
import { loadDemoCity } from './demo-city.loader.js';
import { buildFleet, type Fleet } from './fleet.js';
import { createHttpPublisher } from './http-publisher.js';
import { createMqttPublisher } from './mqtt-publisher.js';
import { provisionFleet, type ProvisioningResult } from './provisioning.client.js';
import type { SimulateOptions } from './simulate.options.js';
import { startSimulation, type Simulation, type SimulationOptions } from './simulation.js';

export interface PreparedSimulator {
  fleet: Fleet;
  timezone: string;
}

export function prepareSimulator(options: SimulateOptions): PreparedSimulator {
  const city = loadDemoCity(options.cityDir);
  const fleet = buildFleet({
    seed: options.seed,
    devices: options.devices,
    kinds: options.kinds,
    transport: options.transport,
    prefix: options.prefix,
    city: indexCity(city),
  });
  return { fleet, timezone: city.timezone };
}

export async function runSimulator(
  options: SimulateOptions,
  context: {
    logger: Logger;
    onProvisioningProgress?(done: number, total: number): void;
    hooks?: Pick<SimulationOptions, 'onSent' | 'onAcked'>;
  },
): Promise<{ simulation: Simulation; provisioning: ProvisioningResult | undefined; fleet: Fleet }> {
  const { fleet, timezone } = prepareSimulator(options);
  const log = context.logger;
  let provisioning: ProvisioningResult | undefined;
  if (options.provision) {
    provisioning = await provisionFleet(fleet, {
      baseUrl: options.url,
      tenant: options.tenant,
      onProgress: context.onProvisioningProgress,
    });
    log.info({ ...provisioning, url: options.url }, 'Simulated devices provisioned');
  }
  const usesMqtt = fleet.devices.some((d) => d.transport === 'MQTT');
  const usesHttp = fleet.devices.some((d) => d.transport === 'HTTP');
  const simulation = startSimulation({
    fleet,
    timezone,
    rate: options.rate,
    durationSec: options.durationSec,
    timeScale: options.timeScale,
    maxInFlight: options.maxInFlight,
    mqtt: usesMqtt
      ? createMqttPublisher({
          url: options.mqttUrl,
          auth: options.mqttAuth,
          qos: options.qos,
          clientIdPrefix: `${options.prefix}-${process.pid}`,
        })
      : undefined,
    http: usesHttp
      ? createHttpPublisher({ baseUrl: options.url, connections: options.httpConnections })
      : undefined,
    ...context.hooks,
  });
  log.info(
    {
      devices: fleet.devices.length,
      mqttDevices: fleet.devices.filter((d) => d.transport === 'MQTT').length,
      rate: options.rate,
      durationSec: options.durationSec,
      seed: options.seed,
    },
    'Simulation started',
  );
  return { simulation, provisioning, fleet };
}
