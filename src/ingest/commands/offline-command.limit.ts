/**
 * Bounds the commands kept for devices that are not connected to the embedded MQTT broker.
 * Aedes keeps a QoS 1 command for a device's persistent session in memory until the device
 * takes it, without limit: writes of a command to an offline device would fill the memory.
 *
 * A command published while none of the device's connections is open is counted for it
 * (its command topic); an acknowledgement (PUBACK) of one of its commands takes one off, and
 * a clean-session connection, which drops the stored session, forgets them all. Beyond
 * `perDevice` for one device or `total` for all, `admit` refuses the command, which then
 * fails (`<cmd>_status` ERROR, `<cmd>_info` the reason). Commands to a device without a
 * persistent session, which aedes drops, are counted too until it connects: the count errs
 * on the side of memory.
 */

export interface OfflineCommandLimits {
  /** Commands waiting for one device at most (setting `offlineCommandsPerDevice`). */
  perDevice: number;
  /** Commands waiting for all devices at most (setting `offlineCommandsTotal`). */
  total: number;
}

export const DEFAULT_OFFLINE_COMMAND_LIMITS: OfflineCommandLimits = {
  perDevice: 100,
  total: 10_000,
};

export interface OfflineCommandLimit {
  /** A connection of the device whose command topic is `topic` opened. */
  connected(connection: object, topic: string, cleanSession: boolean): void;
  /** A connection announced by `connected` closed. */
  disconnected(connection: object): void;
  /** The device took one command of `topic` (PUBACK). */
  acknowledged(topic: string): void;
  /** Before a command to `topic` is published: why it may not be, or undefined (counted). */
  admit(topic: string, deviceId: string): string | undefined;
  /** Commands counted as waiting for devices that are not connected. */
  waiting(): number;
}

export function createOfflineCommandLimit(limits: OfflineCommandLimits): OfflineCommandLimit {
  const topicOf = new Map<object, string>();
  const connections = new Map<string, number>();
  const waitingFor = new Map<string, number>();
  let total = 0;

  function forget(topic: string, count: number): void {
    const left = (waitingFor.get(topic) ?? 0) - count;
    total -= Math.min(count, waitingFor.get(topic) ?? 0);
    if (left > 0) waitingFor.set(topic, left);
    else waitingFor.delete(topic);
  }

  return {
    connected(connection, topic, cleanSession) {
      topicOf.set(connection, topic);
      connections.set(topic, (connections.get(topic) ?? 0) + 1);
      if (cleanSession) forget(topic, Infinity);
    },

    disconnected(connection) {
      const topic = topicOf.get(connection);
      if (topic === undefined) return;
      topicOf.delete(connection);
      const left = (connections.get(topic) ?? 1) - 1;
      if (left > 0) connections.set(topic, left);
      else connections.delete(topic);
    },

    acknowledged(topic) {
      forget(topic, 1);
    },

    admit(topic, deviceId) {
      if (connections.has(topic)) return undefined;
      const waiting = waitingFor.get(topic) ?? 0;
      if (waiting >= limits.perDevice)
        return `Device ${deviceId} is not connected and already has ${waiting} commands waiting (offlineCommandsPerDevice)`;
      if (total >= limits.total)
        return `Devices that are not connected already have ${total} commands waiting (offlineCommandsTotal)`;
      waitingFor.set(topic, waiting + 1);
      total += 1;
      return undefined;
    },

    waiting: () => total,
  };
}
