/**
 * Which service group a device belongs to, and the device with that group's settings folded
 * in (ProvisionedDevice): the device's own mappings win over the group's, by object_id for
 * attributes and by name for static attributes and commands.
 */
import type { Device, ProvisionedDevice, ServiceGroup } from './device.model.js';

/** The southbound resource each IoT Agent protocol posts to. */
const PROTOCOL_RESOURCES: Readonly<Record<string, string>> = {
  'IoTA-JSON': '/iot/json',
  'PDI-IoTA-JSON': '/iot/json',
  'IoTA-UL': '/iot/d',
  'PDI-IoTA-UltraLight': '/iot/d',
};

/**
 * Narrows the groups of the device's tenant and service path: by apikey when the device has
 * one, then by protocol (the group's protocol, or the resource the protocol posts to) when
 * several remain. The first candidates in creation order come first.
 */
export function candidateGroups(
  groups: readonly ServiceGroup[],
  device: { apikey?: string; protocol?: string },
): ServiceGroup[] {
  let candidates = groups.filter((g) => device.apikey === undefined || g.apikey === device.apikey);
  if (candidates.length > 1 && device.protocol !== undefined) {
    const resource = PROTOCOL_RESOURCES[device.protocol];
    const byProtocol = candidates.filter(
      (g) => g.protocol === device.protocol || (resource !== undefined && g.resource === resource),
    );
    if (byProtocol.length > 0) candidates = byProtocol;
  }
  return candidates;
}

/** The device's group: the first candidate (groups of one apikey share its devices). */
export function selectGroup(
  groups: readonly ServiceGroup[],
  device: { apikey: string; protocol?: string },
): ServiceGroup | undefined {
  return candidateGroups(groups, device)[0];
}

export function foldDevice(device: Device, group: ServiceGroup | undefined): ProvisionedDevice {
  const provisioned: ProvisionedDevice = {
    device,
    group,
    attributes: mergeBy(device.attributes, group?.attributes, (a) => a.object_id ?? a.name),
    static_attributes: mergeBy(device.static_attributes, group?.static_attributes, (a) => a.name),
    commands: mergeBy(device.commands, group?.commands, (c) => c.name),
    explicitAttrs: device.explicitAttrs ?? group?.explicitAttrs ?? false,
  };
  const inherited = {
    ldContext: device.ldContext ?? group?.ldContext,
    stalePeriod: device.stalePeriod ?? group?.stalePeriod,
    transport: device.transport ?? group?.transport,
    protocol: device.protocol ?? group?.protocol,
    endpoint: device.endpoint ?? group?.endpoint,
    timezone: device.timezone ?? group?.timezone,
  };
  for (const [key, value] of Object.entries(inherited)) {
    if (value !== undefined) Object.assign(provisioned, { [key]: value });
  }
  return provisioned;
}

function mergeBy<T>(
  own: readonly T[] | undefined,
  inherited: readonly T[] | undefined,
  key: (item: T) => string,
): T[] {
  const result = [...(own ?? [])];
  const taken = new Set(result.map(key));
  for (const item of inherited ?? []) if (!taken.has(key(item))) result.push(item);
  return result;
}
