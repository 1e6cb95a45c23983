/**
 * HTTP push commands (IoTA-JSON): POST `{"<cmd>": value}` to the device's `endpoint`, with
 * the FIWARE service headers. The device answers synchronously: a 2xx response is the
 * command's result (`{"<cmd>": result}`, or any body), applied through `acknowledge`;
 * anything else, a timeout or an unreachable device fails the send (status ERROR).
 *
 * An `endpoint` is provisioned data, not a trusted address: like notifications, commands
 * never connect to the denied networks (`notificationDeniedNetworks`, cloud metadata and
 * link-local by default), checked after DNS when each connection is made (address-guard.ts).
 */
import { Agent, fetch, type Response } from 'undici';
import { createAddressGuard } from '../../adapters/net/address-guard.js';
import { isPlainObject } from '../../ngsi-ld/entity/json-value.js';
import type { ProvisionedDevice } from '../devices/device.model.js';
import type { CommandTransport } from '../ingest.types.js';
import { commandKey } from './command-payloads.js';

export interface HttpCommandTransportOptions {
  acknowledge(device: ProvisionedDevice, command: string, result: unknown): Promise<void>;
  /** Longest wait for the device's answer; default 10 s. */
  timeoutMs?: number;
  /** Largest answer read; default 64 KiB (longer answers fail the command). */
  maxResponseBytes?: number;
  /** CIDR blocks commands may not connect to (the notifications' `notificationDeniedNetworks`). */
  deniedNetworks?: readonly string[];
}

export function createHttpCommandTransport(options: HttpCommandTransportOptions): CommandTransport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 64 * 1024;
  const guard = createAddressGuard(options.deniedNetworks ?? [], {
    setting: 'notificationDeniedNetworks',
    users: 'commands',
  });
  const agent = new Agent({ connect: { lookup: guard.lookup }, keepAliveTimeout: 5_000 });

  return {
    transport: 'HTTP',
    async send(device, command, value) {
      const endpoint = device.endpoint ?? device.device.endpoint;
      if (endpoint === undefined)
        throw new Error(`Device ${device.device.device_id} has no endpoint for HTTP commands`);
      const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
      if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
        throw new Error(`Device endpoint ${endpoint} is not an http or https URL`);
      // IP literals skip the lookup: they are checked here.
      const denied = guard.checkHost(url.hostname);
      if (denied !== undefined) throw new Error(`Device endpoint refused: ${denied}`);
      const key = commandKey(device, command);
      const signal = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'fiware-service': device.device.tenant,
            'fiware-servicepath': device.device.servicePath,
          },
          body: JSON.stringify({ [key]: value ?? null }),
          redirect: 'error',
          signal,
          dispatcher: agent,
        });
      } catch (error) {
        // fetch says only "fetch failed": the reason (refused address, DNS, …) is the cause.
        const cause = (error as Error).cause;
        const reason = cause instanceof Error ? cause.message : (error as Error).message;
        throw new Error(`Device endpoint ${endpoint} unreachable: ${reason}`, {
          cause: error,
        });
      }
      const text = await readLimited(response, maxBytes);
      if (!response.ok) throw new Error(`Device endpoint answered HTTP ${response.status}`);
      await options.acknowledge(device, command, resultOf(text, key));
    },
  };
}

/** The body up to `maxBytes`; a longer one fails (a device's answer is small). */
async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) throw new Error(`Device answer exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `{"<cmd>": result}` gives the result; any other JSON or text is the result itself. */
function resultOf(text: string, key: string): unknown {
  if (text.trim() === '') return '';
  try {
    const body: unknown = JSON.parse(text);
    return isPlainObject(body) && key in body ? body[key] : body;
  } catch {
    return text;
  }
}
