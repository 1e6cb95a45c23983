/** What the simulation needs from a transport: send one device message, know when it is acknowledged. */
import type { SimulatedDevice } from './fleet.js';

export interface Publisher {
  /**
   * Sends one message of `device`; resolves when the platform acknowledged it (MQTT QoS 1
   * PUBACK, or the MQTT write for QoS 0; HTTP 2xx), rejects with the reason otherwise.
   */
  publish(device: SimulatedDevice, payload: string): Promise<void>;
  /** Ends the connections (messages still unacknowledged are failed). */
  close(): Promise<void>;
}

/** The southbound MQTT topic of a device's measurements (IoT Agent convention). */
export function measurementTopic(device: SimulatedDevice): string {
  const base = `/${device.apikey}/${device.deviceId}/attrs`;
  return device.kind.protocol === 'IoTA-UL' ? `/ul${base}` : base;
}

/** The southbound HTTP path of a device's measurements (IoT Agent convention). */
export function measurementPath(device: SimulatedDevice): string {
  const resource = device.kind.protocol === 'IoTA-UL' ? '/iot/d' : '/iot/json';
  return `${resource}?k=${encodeURIComponent(device.apikey)}&i=${encodeURIComponent(device.deviceId)}`;
}
