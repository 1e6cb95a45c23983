/**
 * Receives one LoRaWAN webhook message: decodes it, finds the device by DevEUI, checks the
 * apikey the network server was configured to send, and hands the uplink to the measurement
 * sink. Resolves once the write is durable; every refusal is recorded as a Rejection and
 * thrown as a ProblemDetails (400 malformed, 401 apikey, 404 DevEUI; the sink's 400/503).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ProvisionedDevice } from '../devices/device.model.js';
import type { IngestRuntime, Rejection } from '../ingest.types.js';
import { isProblemDetails, resourceNotFound, unauthorized } from '../../ngsi-ld/problem-details.js';
import { excerptPayload } from '../pipeline/rejection.recorder.js';
import type { LorawanMessage } from './lorawan-message.js';

export interface LorawanDelivery {
  /** Decodes the network server's body (throws a 400 ProblemDetails). */
  decode(): LorawanMessage;
  /** The raw body, for the excerpt of a rejection. */
  body: unknown;
  /** The apikey the request carried (header or query), if any. */
  apikey: string | undefined;
  /** HTTP path and the harmless part of the query, never the apikey. */
  source: string;
}

export function createLorawanUplinkService(runtime: IngestRuntime) {
  function reject(
    delivery: LorawanDelivery,
    rejection: Omit<Rejection, 'at' | 'transport' | 'source' | 'payloadExcerpt'>,
  ): void {
    runtime.rejections.record({
      transport: 'lorawan',
      source: delivery.source,
      payloadExcerpt: excerpt(delivery.body),
      ...rejection,
    });
  }

  return {
    /** 'written' once durable, 'ignored' for message kinds that carry no measurement. */
    async receive(delivery: LorawanDelivery): Promise<'written' | 'ignored'> {
      let message: LorawanMessage;
      try {
        message = delivery.decode();
      } catch (error) {
        if (isProblemDetails(error)) {
          reject(delivery, { reason: 'malformed-payload', detail: error.detail });
        }
        throw error;
      }
      // Nothing is written for these, so they are acknowledged without a lookup.
      if (message.kind === 'ignored') return 'ignored';

      const device = await runtime.directory.findByDevEui(message.devEui);
      if (device === undefined) {
        const detail = `No device is provisioned with DevEUI ${message.devEui}`;
        reject(delivery, { reason: 'unknown-deveui', detail });
        throw resourceNotFound(detail);
      }
      if (!apikeyMatches(device, delivery.apikey)) {
        // The presented key is never recorded: it may be another tenant's.
        const detail =
          delivery.apikey === undefined
            ? `No apikey was given for DevEUI ${message.devEui} (header X-Civis-Apikey or query k)`
            : `The apikey is not the one of the device with DevEUI ${message.devEui}`;
        reject(delivery, {
          reason: 'not-authorized',
          tenant: device.device.tenant,
          deviceId: device.device.device_id,
          detail,
        });
        throw unauthorized(detail);
      }
      await runtime.sink.submit({
        device,
        values: message.values,
        ...(message.observedAt === undefined ? {} : { observedAt: message.observedAt }),
        receivedAt: runtime.clock().toISOString(),
        transport: 'lorawan',
        source: delivery.source,
      });
      return 'written';
    },
  };
}

export type LorawanUplinkService = ReturnType<typeof createLorawanUplinkService>;

/** The device's own apikey or its group's; compared in constant time. */
function apikeyMatches(device: ProvisionedDevice, presented: string | undefined): boolean {
  if (presented === undefined || presented === '') return false;
  const candidates = [device.device.apikey, device.group?.apikey].filter(
    (key): key is string => typeof key === 'string' && key !== '',
  );
  const digest = sha256(presented);
  let matched = false;
  for (const key of candidates) matched = timingSafeEqual(digest, sha256(key)) || matched;
  return matched;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function excerpt(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  try {
    return excerptPayload(typeof body === 'string' ? body : JSON.stringify(body));
  } catch {
    return undefined; // nested too deeply to serialise: nothing to show
  }
}
