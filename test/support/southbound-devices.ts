/**
 * Provisioning for the HTTP southbound tests: service groups and devices created through the
 * IoT Agent provisioning API in two tenants, and requests as devices send them.
 */
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { jsonRequest, type TestApp } from './test-app.js';

export const OPENIOT = { 'fiware-service': 'openiot', 'fiware-servicepath': '/' };
export const OTHER = { 'fiware-service': 'other', 'fiware-servicepath': '/' };
export const VOCAB = 'https://uri.etsi.org/ngsi-ld/default-context/';
export const WEATHER_ID = 'urn:ngsi-ld:WeatherObserved:ws1';
export const LAMP_ID = 'urn:ngsi-ld:Streetlight:lamp1';
export const OTHER_WEATHER_ID = 'urn:ngsi-ld:WeatherObserved:other-ws1';

async function post(t: TestApp, url: string, body: unknown, headers: Record<string, string>) {
  const res = await t.request(jsonRequest('POST', url, body, headers));
  assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
}

/**
 * openiot: JSON group `json-key` (device ws1, temperature mapped as Number in CEL) and
 * UltraLight group `ul-key` (device lamp1 with an `on` command). other: JSON group `other-key`
 * with its own device ws1.
 */
export async function provisionSouthboundDevices(t: TestApp): Promise<void> {
  await post(
    t,
    '/iot/services',
    {
      services: [
        {
          apikey: 'json-key',
          entity_type: 'WeatherObserved',
          resource: '/iot/json',
          attributes: [{ object_id: 't', name: 'temperature', type: 'Number', unitCode: 'CEL' }],
        },
        { apikey: 'ul-key', entity_type: 'Streetlight', resource: '/iot/d' },
      ],
    },
    OPENIOT,
  );
  await post(
    t,
    '/iot/devices',
    {
      devices: [
        {
          device_id: 'ws1',
          apikey: 'json-key',
          entity_name: WEATHER_ID,
          entity_type: 'WeatherObserved',
          protocol: 'IoTA-JSON',
        },
        {
          device_id: 'lamp1',
          apikey: 'ul-key',
          entity_name: LAMP_ID,
          entity_type: 'Streetlight',
          protocol: 'IoTA-UL',
          attributes: [{ object_id: 'l', name: 'illuminance', type: 'Integer' }],
          commands: [{ name: 'on', type: 'command' }],
        },
      ],
    },
    OPENIOT,
  );
  await post(
    t,
    '/iot/services',
    { services: [{ apikey: 'other-key', entity_type: 'WeatherObserved', resource: '/iot/json' }] },
    OTHER,
  );
  await post(
    t,
    '/iot/devices',
    {
      devices: [
        {
          device_id: 'ws1',
          apikey: 'other-key',
          entity_name: OTHER_WEATHER_ID,
          entity_type: 'WeatherObserved',
        },
      ],
    },
    OTHER,
  );
}

export function jsonMeasure(
  query: string,
  body: unknown,
  headers: Record<string, string> = {},
): InjectOptions {
  return {
    method: 'POST',
    url: `/iot/json?${query}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

export function ulMeasure(
  query: string,
  body: string,
  headers: Record<string, string> = {},
): InjectOptions {
  return {
    method: 'POST',
    url: `/iot/d?${query}`,
    headers: { 'content-type': 'text/plain', ...headers },
    payload: body,
  };
}
