/**
 * Device credentials on the embedded broker (docs/mqtt-and-commands.md):
 *   user name  `<apikey>/<device_id>`, as in the device's topics;
 *   password   the device's own password when it was provisioned with one (checked against
 *              its scrypt hash), otherwise the apikey of its service group.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ProvisionedDevice } from '../devices/device.model.js';

/** Checks a password against a stored hash (the registry's scrypt hashes). */
export type PasswordVerifier = (password: string, hash: string) => Promise<boolean>;

export function parseDeviceUsername(
  username: string | undefined,
): { apikey: string; deviceId: string } | undefined {
  if (username === undefined) return undefined;
  const slash = username.indexOf('/');
  if (slash <= 0 || slash === username.length - 1) return undefined;
  const apikey = username.slice(0, slash);
  const deviceId = username.slice(slash + 1);
  if (deviceId.includes('/')) return undefined;
  return { apikey, deviceId };
}

export async function checkDevicePassword(
  device: ProvisionedDevice,
  password: Buffer | undefined,
  verify: PasswordVerifier,
): Promise<boolean> {
  if (password === undefined || password.length === 0) return false;
  const hash = device.device.passwordHash;
  if (hash !== undefined && hash !== '') return verify(password.toString('utf8'), hash);
  // Digests have one length: comparing them tells nothing about the apikey's length.
  return timingSafeEqual(digest(password), digest(Buffer.from(device.device.apikey, 'utf8')));
}

function digest(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}
