/**
 * Provisions a fleet through the FIWARE IoT Agent provisioning API of the platform: one
 * service group per kind (POST /iot/services), then the devices in batches (POST
 * /iot/devices). Provisioning is idempotent: what already exists (409) is kept, so the demo
 * and a re-run with the same seed reuse their devices.
 */
import type { Fleet, FleetGroup, SimulatedDevice } from './fleet.js';
import { SimulatorError } from './simulator-error.js';

export interface ProvisioningOptions {
  baseUrl: string;
  /** NGSI-LD tenant (FIWARE service); the default tenant when undefined. */
  tenant?: string;
  batchSize?: number;
  timeoutMs?: number;
  /** Reports progress: devices handled so far. */
  onProgress?(done: number, total: number): void;
}

export interface ProvisioningResult {
  groupsCreated: number;
  groupsExisting: number;
  devicesCreated: number;
  devicesExisting: number;
}

export function groupBody(group: FleetGroup) {
  return {
    apikey: group.apikey,
    entity_type: group.entityType,
    resource: group.resource,
    protocol: group.protocol,
    attributes: group.attributes,
  };
}

export function deviceBody(device: SimulatedDevice) {
  return {
    device_id: device.deviceId,
    entity_name: device.entityId,
    entity_type: device.kind.entityType,
    apikey: device.apikey,
    transport: device.transport,
    protocol: device.kind.protocol,
    static_attributes: device.staticAttributes,
  };
}

type Outcome = 'created' | 'existing';

export async function provisionFleet(
  fleet: Fleet,
  options: ProvisioningOptions,
): Promise<ProvisioningResult> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'fiware-servicepath': '/',
  };
  if (options.tenant) headers['fiware-service'] = options.tenant;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const post = async (path: string, body: unknown): Promise<Outcome> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new SimulatorError(
        `POST ${base}${path} failed: ${(error as Error).message}` +
          ((error as Error).cause ? ` (${String((error as Error).cause)})` : ''),
      );
    }
    const text = await response.text();
    if (response.status === 409) return 'existing';
    if (response.status >= 200 && response.status < 300) return 'created';
    throw new SimulatorError(
      `POST ${base}${path} answered ${response.status}: ${text.slice(0, 500)}` +
        (response.status === 404
          ? ' (does this platform have the IoT Agent provisioning API?)'
          : ''),
    );
  };

  // One by one, to tell apart what exists from what was created.
  const each = async <T>(items: readonly T[], send: (item: T) => Promise<Outcome>) => {
    const outcomes: Outcome[] = [];
    const parallel = 8;
    for (let i = 0; i < items.length; i += parallel)
      outcomes.push(...(await Promise.all(items.slice(i, i + parallel).map(send))));
    return outcomes;
  };

  const result: ProvisioningResult = {
    groupsCreated: 0,
    groupsExisting: 0,
    devicesCreated: 0,
    devicesExisting: 0,
  };
  const groupOutcomes = await each(fleet.groups, (group) =>
    post('/iot/services', { services: [groupBody(group)] }),
  );
  result.groupsCreated = groupOutcomes.filter((o) => o === 'created').length;
  result.groupsExisting = groupOutcomes.length - result.groupsCreated;

  const batchSize = options.batchSize ?? 500;
  const devices = fleet.devices;
  for (let i = 0; i < devices.length; i += batchSize) {
    const batch = devices.slice(i, i + batchSize);
    const outcome = await post('/iot/devices', { devices: batch.map(deviceBody) });
    if (outcome === 'created') result.devicesCreated += batch.length;
    else {
      // Some exist (a batch is refused whole): send them one by one.
      const singles = await each(batch, (d) => post('/iot/devices', { devices: [deviceBody(d)] }));
      const created = singles.filter((o) => o === 'created').length;
      result.devicesCreated += created;
      result.devicesExisting += singles.length - created;
    }
    options.onProgress?.(Math.min(devices.length, i + batchSize), devices.length);
  }
  return result;
}
