/**
 * The MQTT device agent the configuration asks for: a client of the external broker when
 * CIVIS_MQTT_URL is set, the embedded broker otherwise (docs/mqtt-and-commands.md).
 */
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { CivisConfig } from '../../platform/config/config.schema.js';
import { DEFAULT_OFFLINE_COMMAND_LIMITS } from '../commands/offline-command.limit.js';
import { verifyDevicePassword } from '../devices/device-password.js';
import type { DeviceAgent } from '../ingest.types.js';
import { createEmbeddedBrokerAgent } from './embedded-broker.agent.js';
import { createExternalBrokerAgent } from './external-broker.agent.js';

export type MqttAgentConfig = Pick<
  CivisConfig,
  | 'mqttPort'
  | 'mqttHost'
  | 'mqttUrl'
  | 'mqttClientId'
  | 'mqttSharedGroup'
  | 'ingestMaxPayloadBytes'
  | 'ingestQueueCapacity'
> &
  Partial<Pick<CivisConfig, 'offlineCommandsPerDevice' | 'offlineCommandsTotal'>>;

/** The default port of the embedded broker (MQTT's registered port). */
const DEFAULT_MQTT_PORT = 1883;

export function createMqttAgent(
  config: MqttAgentConfig,
  log: Logger,
): DeviceAgent & { address?(): AddressInfo | undefined } {
  if (config.mqttUrl !== undefined)
    return createExternalBrokerAgent({
      url: config.mqttUrl,
      clientId: config.mqttClientId ?? `civis-${hostname()}`,
      sharedGroup: config.mqttSharedGroup,
      maxPayloadBytes: config.ingestMaxPayloadBytes,
      log,
    });
  return createEmbeddedBrokerAgent({
    port: config.mqttPort,
    fallbackToFreePort: config.mqttPort === DEFAULT_MQTT_PORT,
    host: config.mqttHost,
    maxPayloadBytes: config.ingestMaxPayloadBytes,
    verifyPassword: verifyDevicePassword,
    log,
    offlineCommands: {
      perDevice: config.offlineCommandsPerDevice ?? DEFAULT_OFFLINE_COMMAND_LIMITS.perDevice,
      total: config.offlineCommandsTotal ?? DEFAULT_OFFLINE_COMMAND_LIMITS.total,
    },
    // As many messages off the connections as the ingest queue holds measurements: enough
    // to keep the queue full, and no more piles up in the broker when it is.
    maxPendingMessages: config.ingestQueueCapacity,
  });
}
