import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { Device } from './device.model.js';
import { deviceFields, parseDeviceUpdate, parseDevices } from './device.parser.js';
import { parseServiceGroupUpdate, parseServiceGroups } from './service-group.parser.js';

const scope = { tenant: 'openiot', servicePath: '/' };

function rejects(run: () => unknown, status: number, detail: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isProblemDetails(error), String(error));
    assert.equal(error.status, status, error.detail);
    assert.match(error.detail, detail);
    return true;
  });
}

const device = (extra: Record<string, unknown> = {}) => ({
  devices: [{ device_id: 'd1', ...extra }],
});

describe('parseDevices', () => {
  it('reads the IoT Agent fields and the Civis extras', () => {
    const [parsed] = parseDevices(
      {
        devices: [
          {
            device_id: 'temperature001',
            entity_name: 'urn:ngsi-ld:TemperatureSensor:001',
            entity_type: 'TemperatureSensor',
            timezone: 'Europe/Berlin',
            protocol: 'PDI-IoTA-UltraLight',
            transport: 'MQTT',
            lazy: [],
            timestamp: true,
            attributes: [
              {
                object_id: 't',
                name: 'temperature',
                type: 'Integer',
                unitCode: 'CEL',
                expression: { convert: 'fahrenheitToCelsius', round: 1 },
                metadata: { unitCode: { type: 'Text', value: 'CEL' } },
              },
            ],
            static_attributes: [
              { name: 'refPoi', type: 'Relationship', value: 'urn:ngsi-ld:Poi:1' },
            ],
            commands: [{ name: 'ring', type: 'command' }],
            devEui: '0004a30b001c0530',
            password: 'secret',
            stalePeriod: 600,
            ldContext: 'https://contexts.example.org/city.jsonld',
            service: 'openiot',
            service_path: '/',
          },
        ],
      },
      scope,
    );
    assert.deepEqual(parsed, {
      device_id: 'temperature001',
      entity_name: 'urn:ngsi-ld:TemperatureSensor:001',
      entity_type: 'TemperatureSensor',
      protocol: 'PDI-IoTA-UltraLight',
      transport: 'MQTT',
      devEui: '0004A30B001C0530',
      password: 'secret',
      attributes: [
        {
          name: 'temperature',
          type: 'Integer',
          object_id: 't',
          unitCode: 'CEL',
          expression: { convert: 'fahrenheitToCelsius', round: 1 },
          metadata: { unitCode: { type: 'Text', value: 'CEL' } },
        },
      ],
      static_attributes: [{ name: 'refPoi', type: 'Relationship', value: 'urn:ngsi-ld:Poi:1' }],
      commands: [{ name: 'ring', type: 'command' }],
      timezone: 'Europe/Berlin',
      stalePeriod: 600,
      ldContext: 'https://contexts.example.org/city.jsonld',
    });
  });

  const cases: Array<[string, unknown, number, RegExp]> = [
    ['a body that is not an object', [], 400, /must be a JSON object/],
    ['no devices array', {}, 400, /non-empty 'devices' array/],
    ['an empty devices array', { devices: [] }, 400, /non-empty/],
    ['a member beside devices', { devices: [{ device_id: 'a' }], x: 1 }, 400, /unknown field 'x'/],
    ['no device_id', { devices: [{}] }, 400, /device_id is required/],
    ['a device_id with /', device({ device_id: 'a/b' }), 400, /devices\[0\]\.device_id/],
    ['a device_id with #', device({ device_id: 'a#' }), 400, /device_id/],
    ['a device_id with +', device({ device_id: 'a+b' }), 400, /device_id/],
    ['a device_id of 129 characters', device({ device_id: 'x'.repeat(129) }), 400, /device_id/],
    ['a numeric device_id', device({ device_id: 7 }), 400, /device_id/],
    [
      'an entity_name that is no URI',
      device({ entity_name: 'Room 1' }),
      400,
      /entity_name must be an absolute URI/,
    ],
    ['a bad entity_type', device({ entity_type: 'a b' }), 400, /entity_type/],
    ['an apikey with a slash', device({ apikey: 'k/1' }), 400, /apikey/],
    [
      'a devEui of 15 digits',
      device({ devEui: '0004A30B001C053' }),
      400,
      /devEui must be 16 hexadecimal/,
    ],
    ['a devEui with non-hex', device({ devEui: '0004A30B001C053G' }), 400, /devEui/],
    ['an unknown transport', device({ transport: 'AMQP' }), 400, /transport must be one of/],
    ['an unknown time zone', device({ timezone: 'Mars/Olympus' }), 400, /timezone/],
    ['a negative stalePeriod', device({ stalePeriod: -1 }), 400, /stalePeriod/],
    ['a fractional stalePeriod', device({ stalePeriod: 1.5 }), 400, /stalePeriod/],
    [
      'a string explicitAttrs',
      device({ explicitAttrs: 'true' }),
      400,
      /explicitAttrs must be true or false/,
    ],
    [
      'an ftp endpoint',
      device({ endpoint: 'ftp://x/y' }),
      400,
      /endpoint must be an absolute http/,
    ],
    ['an ldContext that is no URL', device({ ldContext: 'ctx' }), 400, /ldContext/],
    ['an empty password', device({ password: '' }), 400, /password/],
    ['an unknown field', device({ colour: 'red' }), 400, /unknown field 'colour'/],
    [
      'an unsupported IoT Agent field',
      device({ polling: true }),
      400,
      /'polling' is not supported/,
    ],
    ['another service', device({ service: 'other' }), 400, /service 'other' conflicts/],
    ['another service_path', device({ service_path: '/x' }), 400, /service_path '\/x' conflicts/],
    [
      'attributes that are not a list',
      device({ attributes: {} }),
      400,
      /attributes must be an array/,
    ],
    [
      'an attribute without type',
      device({ attributes: [{ name: 'temperature' }] }),
      400,
      /attributes\[0\]\.type is required/,
    ],
    [
      'an unknown attribute type',
      device({ attributes: [{ name: 'temperature', type: 'Temperature' }] }),
      400,
      /type 'Temperature' is not one of/,
    ],
    [
      'a reserved attribute name',
      device({ attributes: [{ name: 'id', type: 'Text' }] }),
      400,
      /attributes\[0\]\.name/,
    ],
    [
      'a multi-entity attribute',
      device({ attributes: [{ name: 'a', type: 'Text', entity_name: 'urn:x:1' }] }),
      400,
      /'entity_name' is not supported/,
    ],
    [
      'a JEXL expression',
      device({ attributes: [{ name: 'a', type: 'Number', expression: 'a * 2' }] }),
      400,
      /does not evaluate JEXL/,
    ],
    [
      'an expression with an unknown key',
      device({ attributes: [{ name: 'a', type: 'Number', expression: { eval: 'x' } }] }),
      400,
      /expression\.eval/,
    ],
    [
      'an expression with a text factor',
      device({ attributes: [{ name: 'a', type: 'Number', expression: { multiply: '2' } }] }),
      400,
      /multiply must be a finite number/,
    ],
    [
      'an expression with min above max',
      device({ attributes: [{ name: 'a', type: 'Number', expression: { min: 5, max: 1 } }] }),
      400,
      /min must not exceed/,
    ],
    [
      'an unknown conversion',
      device({ attributes: [{ name: 'a', type: 'Number', expression: { convert: 'toMars' } }] }),
      400,
      /convert must be one of/,
    ],
    [
      'a bad unitCode',
      device({ attributes: [{ name: 'a', type: 'Number', unitCode: 'degrees C' }] }),
      400,
      /unitCode/,
    ],
    [
      'an object_id mapped twice',
      device({
        attributes: [
          { object_id: 't', name: 'a', type: 'Number' },
          { object_id: 't', name: 'b', type: 'Number' },
        ],
      }),
      400,
      /object_id 't' is mapped twice/,
    ],
    [
      'an attribute that is also a command',
      device({ attributes: [{ name: 'ring', type: 'Text' }], commands: [{ name: 'ring' }] }),
      400,
      /'ring' is both a measured attribute and a command/,
    ],
    [
      'a static attribute named like a command status',
      device({
        static_attributes: [{ name: 'ring_status', type: 'Text', value: 'x' }],
        commands: [{ name: 'ring' }],
      }),
      400,
      /ring_status/,
    ],
    [
      'a static attribute without value',
      device({ static_attributes: [{ name: 'a', type: 'Text' }] }),
      400,
      /value is required/,
    ],
    [
      'a command of an unknown type',
      device({ commands: [{ name: 'ring', type: 'Bell' }] }),
      400,
      /must be 'command'/,
    ],
    [
      'the same device twice',
      { devices: [{ device_id: 'a' }, { device_id: 'a' }] },
      409,
      /lists device a twice/,
    ],
    [
      'the same devEui twice',
      {
        devices: [
          { device_id: 'a', devEui: '0004A30B001C0530' },
          { device_id: 'b', devEui: '0004a30b001c0530' },
        ],
      },
      409,
      /devEui 0004A30B001C0530 twice/,
    ],
  ];
  for (const [name, body, status, detail] of cases) {
    it(`rejects ${name}`, () => rejects(() => parseDevices(body, scope), status, detail));
  }

  it('rejects more than 1000 devices', () => {
    const devices = Array.from({ length: 1001 }, (_, i) => ({ device_id: `d${i}` }));
    rejects(() => parseDevices({ devices }, scope), 400, /At most 1000/);
  });
});

describe('parseDeviceUpdate', () => {
  const current: Device = {
    tenant: 'openiot',
    servicePath: '/',
    device_id: 'd1',
    entity_name: 'urn:ngsi-ld:Thing:d1',
    entity_type: 'Thing',
    apikey: 'k1',
    protocol: 'IoTA-JSON',
    passwordHash: 'scrypt$…',
    createdAt: '2026-01-01T00:00:00.000Z',
    modifiedAt: '2026-01-01T00:00:00.000Z',
  };

  it('replaces the given fields, removes the null ones and keeps the password', () => {
    const { input, keepPassword } = parseDeviceUpdate(
      {
        attributes: [{ name: 'temperature', type: 'Number' }],
        protocol: null,
        entity_name: current.entity_name,
      },
      current,
      scope,
    );
    assert.deepEqual(input, {
      device_id: 'd1',
      entity_name: 'urn:ngsi-ld:Thing:d1',
      entity_type: 'Thing',
      apikey: 'k1',
      attributes: [{ name: 'temperature', type: 'Number' }],
    });
    assert.equal(keepPassword, true);
    assert.equal(parseDeviceUpdate({ password: 'new' }, current, scope).keepPassword, false);
    assert.equal(parseDeviceUpdate({ password: null }, current, scope).keepPassword, false);
  });

  it('refuses to change device_id, entity_name or entity_type', () => {
    rejects(
      () => parseDeviceUpdate({ device_id: 'd2' }, current, scope),
      400,
      /device_id .* cannot be changed/,
    );
    rejects(
      () => parseDeviceUpdate({ entity_name: 'urn:x:2' }, current, scope),
      400,
      /entity_name/,
    );
    rejects(() => parseDeviceUpdate({ entity_type: null }, current, scope), 400, /entity_type/);
    rejects(() => parseDeviceUpdate({}, current, scope), 400, /no field to change/);
  });

  it('deviceFields never shows the password hash', () => {
    assert.equal('passwordHash' in deviceFields(current), false);
    assert.equal('password' in deviceFields(current), false);
  });
});

describe('parseServiceGroups', () => {
  it('reads a FIWARE tutorial group, ignoring cbroker, and takes type for entity_type', () => {
    assert.deepEqual(
      parseServiceGroups(
        {
          services: [
            {
              apikey: '4jggokgpepnvsb2uv4s40d59ov',
              cbroker: 'http://orion:1026',
              type: 'Thing',
              resource: '/iot/d',
              trust: 'x',
            },
          ],
        },
        scope,
      ),
      [{ apikey: '4jggokgpepnvsb2uv4s40d59ov', resource: '/iot/d', entity_type: 'Thing' }],
    );
  });

  const group = (extra: Record<string, unknown>) => ({
    services: [{ apikey: 'k1', resource: '/iot/json', ...extra }],
  });
  const cases: Array<[string, unknown, number, RegExp]> = [
    ['no services', { services: [] }, 400, /non-empty 'services'/],
    [
      'more than 100 services',
      { services: Array.from({ length: 101 }, (_, i) => ({ apikey: `k${i}`, resource: '/a' })) },
      400,
      /At most 100 services per request/,
    ],
    ['no apikey', { services: [{ resource: '/iot/d' }] }, 400, /apikey is required/],
    ['no resource', { services: [{ apikey: 'k1' }] }, 400, /resource is required/],
    ['a resource that is no path', group({ resource: 'iot/d' }), 400, /resource must be a path/],
    ['type and entity_type that disagree', group({ type: 'A', entity_type: 'B' }), 400, /conflict/],
    ['another subservice', group({ subservice: '/x' }), 400, /subservice '\/x' conflicts/],
    ['entityNameExp', group({ entityNameExp: 'x' }), 400, /'entityNameExp' is not supported/],
    [
      'the same apikey and resource twice',
      {
        services: [
          { apikey: 'k1', resource: '/a' },
          { apikey: 'k1', resource: '/a' },
        ],
      },
      409,
      /twice/,
    ],
  ];
  for (const [name, body, status, detail] of cases) {
    it(`rejects ${name}`, () => rejects(() => parseServiceGroups(body, scope), status, detail));
  }

  it('parseServiceGroupUpdate keeps apikey and resource, and refuses to change them', () => {
    const current = {
      ...scope,
      apikey: 'k1',
      resource: '/iot/json',
      entity_type: 'Thing',
      createdAt: 'x',
      modifiedAt: 'x',
    };
    assert.deepEqual(parseServiceGroupUpdate({ type: 'Sensor', stalePeriod: 60 }, current, scope), {
      apikey: 'k1',
      resource: '/iot/json',
      entity_type: 'Sensor',
      stalePeriod: 60,
    });
    rejects(
      () => parseServiceGroupUpdate({ apikey: 'k2' }, current, scope),
      400,
      /apikey .* cannot be changed/,
    );
  });
});
