/**
 * The LoRaWAN DevEUI as the registry keeps it: 16 hex digits, upper case. Provisioning and
 * the network servers' webhooks both go through here, so a device provisioned with one
 * spelling is found by an uplink with another.
 */

const DEV_EUI = /^[0-9A-Fa-f]{16}$/;

/** A DevEUI in canonical form (upper case), or undefined when it is not 16 hex digits. */
export function normalizeDevEui(value: unknown): string | undefined {
  return typeof value === 'string' && DEV_EUI.test(value) ? value.toUpperCase() : undefined;
}
