import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CORE_JSON_LD_CONTEXT,
  createJsonLdContext,
} from '../../ngsi-ld/context/json-ld-context-impl.js';
import { compileContext } from '../../ngsi-ld/context/term-map.js';
import type { ProvisionedDevice } from '../devices/device.model.js';
import type { Measurement } from '../ingest.types.js';
import { compileDevice, mapMeasurement } from './measurement.mapper.js';

const NS = 'https://uri.etsi.org/ngsi-ld/default-context/';
const RECEIVED = '2024-05-01T10:00:00.000Z';

function device(extra: Partial<ProvisionedDevice> = {}, entity = {}): ProvisionedDevice {
  return {
    device: {
      tenant: 'city',
      servicePath: '/',
      device_id: 'sensor1',
      entity_name: 'urn:ngsi-ld:WeatherObserved:sensor1',
      entity_type: 'WeatherObserved',
      apikey: 'key1',
      createdAt: RECEIVED,
      modifiedAt: RECEIVED,
      ...entity,
    },
    group: undefined,
    attributes: [],
    static_attributes: [],
    commands: [],
    explicitAttrs: false,
    ...extra,
  };
}

function measure(
  d: ProvisionedDevice,
  values: Record<string, unknown>,
  observedAt?: string,
): Measurement {
  return {
    device: d,
    values,
    receivedAt: RECEIVED,
    transport: 'http',
    ...(observedAt ? { observedAt } : {}),
  };
}

function map(d: ProvisionedDevice, values: Record<string, unknown>, observedAt?: string) {
  return mapMeasurement(measure(d, values, observedAt), compileDevice(d, CORE_JSON_LD_CONTEXT));
}

describe('mapMeasurement', () => {
  it('mapMeasurement writes unmapped keys as Properties named by the key, with observedAt = receipt time', () => {
    const mapped = map(device(), { temperature: 23.5, reading: 'ok' });
    assert.equal(mapped.tenant, 'city');
    assert.equal(mapped.measured, 2);
    assert.deepEqual(mapped.entity, {
      id: 'urn:ngsi-ld:WeatherObserved:sensor1',
      type: [`${NS}WeatherObserved`],
      attrs: {
        [`${NS}temperature`]: [{ type: 'Property', value: 23.5, observedAt: RECEIVED }],
        [`${NS}reading`]: [{ type: 'Property', value: 'ok', observedAt: RECEIVED }],
      },
    });
  });

  it("mapMeasurement uses the payload's time as observedAt", () => {
    const mapped = map(device(), { t: 1 }, '2024-04-30T00:00:00.000Z');
    assert.equal(mapped.entity.attrs[`${NS}t`]?.[0]?.observedAt, '2024-04-30T00:00:00.000Z');
  });

  it('mapMeasurement maps object_ids to attributes, converts numeric text and sets unitCode', () => {
    const d = device({
      attributes: [
        { object_id: 't', name: 'temperature', type: 'Number', unitCode: 'CEL' },
        { object_id: 'n', name: 'count', type: 'Integer' },
        { object_id: 'on', name: 'active', type: 'Boolean' },
        { object_id: 'at', name: 'measuredAt', type: 'DateTime' },
      ],
    });
    const mapped = map(d, { t: ' 23.5 ', n: '7.9', on: 'TRUE', at: '2024-05-01T12:00:00+02:00' });
    assert.deepEqual(mapped.refused, []);
    assert.deepEqual(mapped.entity.attrs[`${NS}temperature`], [
      { type: 'Property', value: 23.5, observedAt: RECEIVED, unitCode: 'CEL' },
    ]);
    assert.equal(mapped.entity.attrs[`${NS}count`]?.[0]?.value, 7);
    assert.equal(mapped.entity.attrs[`${NS}active`]?.[0]?.value, true);
    assert.deepEqual(mapped.entity.attrs[`${NS}measuredAt`]?.[0]?.value, {
      '@type': 'DateTime',
      '@value': '2024-05-01T10:00:00.000Z',
    });
  });

  it('mapMeasurement refuses only the attribute whose value does not fit its type (type-mismatch)', () => {
    const d = device({ attributes: [{ object_id: 't', name: 'temperature', type: 'Number' }] });
    const mapped = map(d, { t: 'warm', h: 61 });
    assert.equal(mapped.measured, 1);
    assert.deepEqual(Object.keys(mapped.entity.attrs), [`${NS}h`]);
    assert.equal(mapped.refused.length, 1);
    assert.equal(mapped.refused[0]?.reason, 'type-mismatch');
    assert.match(mapped.refused[0]?.detail ?? '', /measure 't': expected a number, got 'warm'/);
  });

  it('mapMeasurement refuses NaN-like, hexadecimal and empty text for numbers', () => {
    const d = device({ attributes: [{ object_id: 't', name: 'temperature', type: 'Float' }] });
    for (const value of ['NaN', 'Infinity', '0x10', '', '1,5', true, { v: 1 }])
      assert.equal(map(d, { t: value }).measured, 0, String(value));
  });

  it('mapMeasurement builds GeoProperties from geo:point text and geo:json objects', () => {
    const d = device({
      attributes: [
        { object_id: 'p', name: 'location', type: 'geo:point' },
        { object_id: 'area', name: 'coverage', type: 'geo:json' },
      ],
    });
    const mapped = map(d, {
      p: '40.4, -3.7',
      area: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
    });
    assert.deepEqual(mapped.entity.attrs['https://uri.etsi.org/ngsi-ld/location']?.[0]?.value, {
      type: 'Point',
      coordinates: [-3.7, 40.4],
    });
    assert.equal(mapped.entity.attrs[`${NS}coverage`]?.[0]?.type, 'GeoProperty');
    assert.equal(map(d, { p: '91, 0' }).measured, 0);
    assert.equal(map(d, { area: { type: 'Point' } }).measured, 0);
  });

  it('mapMeasurement writes an unmapped location as a GeoProperty, never as a Property', () => {
    const point = { type: 'Point', coordinates: [2.35, 48.85] };
    const mapped = map(device(), { location: point });
    assert.deepEqual(mapped.entity.attrs['https://uri.etsi.org/ngsi-ld/location'], [
      { type: 'GeoProperty', value: point, observedAt: RECEIVED },
    ]);
    assert.equal(map(device(), { location: 'here' }).measured, 0);
  });

  it('mapMeasurement makes Relationships of URIs and StructuredValues of JSON', () => {
    const d = device({
      attributes: [
        { object_id: 'r', name: 'refDevice', type: 'Relationship' },
        { object_id: 's', name: 'settings', type: 'StructuredValue' },
      ],
    });
    const mapped = map(d, { r: 'urn:ngsi-ld:Device:1', s: '{"mode":"eco"}' });
    assert.deepEqual(mapped.entity.attrs[`${NS}refDevice`]?.[0], {
      type: 'Relationship',
      object: 'urn:ngsi-ld:Device:1',
      observedAt: RECEIVED,
    });
    assert.deepEqual(mapped.entity.attrs[`${NS}settings`]?.[0]?.value, { mode: 'eco' });
    assert.equal(map(d, { r: 'not a uri' }).measured, 0);
    assert.equal(map(d, { s: '42' }).measured, 0);
  });

  it('mapMeasurement applies a declarative expression before the type', () => {
    const d = device({
      attributes: [
        {
          object_id: 'f',
          name: 'temperature',
          type: 'Number',
          expression: { convert: 'fahrenheitToCelsius', round: 1 },
        },
        {
          object_id: 'bad',
          name: 'broken',
          type: 'Number',
          expression: { convert: 'eval' } as never,
        },
      ],
    });
    const mapped = map(d, { f: '98.6', bad: 1 });
    assert.equal(mapped.entity.attrs[`${NS}temperature`]?.[0]?.value, 37);
    assert.match(
      mapped.refused[0]?.detail ?? '',
      /misprovisioned: expression.convert must be one of/,
    );
    assert.equal(compileDevice(d, CORE_JSON_LD_CONTEXT).problems.length, 1);
  });

  it('mapMeasurement refuses hostile values: NGSI-LD Null, nulls, deep nesting', () => {
    const d = device({ attributes: [{ object_id: 'x', name: 'note', type: 'Text' }] });
    assert.equal(map(d, { x: 'urn:ngsi-ld:null' }).measured, 0);
    assert.equal(map(device(), { y: 'urn:ngsi-ld:null' }).measured, 0);
    assert.equal(map(device(), { y: null }).measured, 0);
    assert.equal(map(device(), { y: { a: null } }).measured, 0);
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    assert.equal(map(device(), { y: deep }).measured, 0);
    assert.equal(map(device(), { y: '<script>alert(1)</script>' }).measured, 1);
  });

  it('mapMeasurement refuses keys that cannot name an attribute as malformed-payload', () => {
    const mapped = map(device(), { id: 'x', type: 'y', 'a b': 1, __proto__x: 1, ok: 1 });
    assert.equal(mapped.measured, 1);
    assert.deepEqual(
      mapped.refused.map((r) => [r.key, r.reason]),
      [
        ['id', 'malformed-payload'],
        ['type', 'malformed-payload'],
        ['a b', 'malformed-payload'],
        ['__proto__x', 'malformed-payload'],
      ],
    );
    const proto = JSON.parse('{"__proto__": 1}') as Record<string, unknown>;
    assert.equal(map(device(), proto).refused[0]?.reason, 'malformed-payload');
  });

  it('mapMeasurement with explicitAttrs writes only mapped attributes', () => {
    const d = device({
      explicitAttrs: true,
      attributes: [{ object_id: 't', name: 'temperature', type: 'Number' }],
    });
    const mapped = map(d, { t: 1, extra: 2 });
    assert.deepEqual(Object.keys(mapped.entity.attrs), [`${NS}temperature`]);
    assert.equal(map(d, { extra: 2 }).measured, 0);
    assert.deepEqual(map(d, { extra: 2 }).refused, []);
  });

  it('mapMeasurement adds static attributes without observedAt, and metadata as sub-attributes', () => {
    const d = device({
      static_attributes: [
        { name: 'location', type: 'geo:json', value: { type: 'Point', coordinates: [1, 2] } },
        { name: 'category', type: 'Text', value: 'weather' },
      ],
      attributes: [
        {
          object_id: 't',
          name: 'temperature',
          type: 'Number',
          metadata: {
            unitCode: { type: 'Text', value: 'CEL' },
            accuracy: { type: 'Number', value: 0.5 },
          },
        },
      ],
    });
    const mapped = map(d, { t: 20 });
    assert.equal(mapped.measured, 1);
    assert.deepEqual(mapped.entity.attrs[`${NS}category`], [
      { type: 'Property', value: 'weather' },
    ]);
    assert.equal(
      mapped.entity.attrs['https://uri.etsi.org/ngsi-ld/location']?.[0]?.type,
      'GeoProperty',
    );
    assert.deepEqual(mapped.entity.attrs[`${NS}temperature`]?.[0], {
      type: 'Property',
      value: 20,
      observedAt: RECEIVED,
      unitCode: 'CEL',
      attrs: { [`${NS}accuracy`]: [{ type: 'Property', value: 0.5 }] },
    });
  });

  it("mapMeasurement expands names with the device's @context", () => {
    const context = createJsonLdContext(
      compileContext([
        { city: 'https://city.example.org/ns#', temperature: 'city:temp', Sensor: 'city:Sensor' },
      ]),
      { bodyContext: 'x', linkUrl: 'x' },
    );
    const d = device({}, { entity_type: 'Sensor' });
    const mapped = mapMeasurement(
      measure(d, { temperature: 1, other: 2 }),
      compileDevice(d, context),
    );
    assert.deepEqual(mapped.entity.type, ['https://city.example.org/ns#Sensor']);
    assert.deepEqual(Object.keys(mapped.entity.attrs), [
      'https://city.example.org/ns#temp',
      `${NS}other`,
    ]);
  });

  it('compileDevice compiles once per device and context', () => {
    const d = device();
    assert.equal(compileDevice(d, CORE_JSON_LD_CONTEXT), compileDevice(d, CORE_JSON_LD_CONTEXT));
  });

  it('compileDevice marks a device whose entity id is not a URI as misprovisioned', () => {
    const compiled = compileDevice(device({}, { entity_name: 'sensor 1' }), CORE_JSON_LD_CONTEXT);
    assert.match(compiled.misprovisioned ?? '', /not an absolute URI/);
  });

  it('mapMeasurement never writes command attributes: no command loop, no faked status', () => {
    const lamp = device({
      commands: [{ name: 'switch', type: 'command' }],
      attributes: [{ object_id: 's', name: 'switch_status', type: 'Text' }],
    });
    const mapped = map(lamp, { switch: 'on', switch_info: 'x', s: 'OK', temperature: 20 });
    assert.equal(mapped.measured, 1);
    assert.deepEqual(Object.keys(mapped.entity.attrs), [`${NS}temperature`]);
    assert.deepEqual(
      mapped.refused.map((r) => r.key),
      ['switch', 'switch_info', 's'],
    );
    assert.ok(compileDevice(lamp, CORE_JSON_LD_CONTEXT).problems.some((p) => /command/.test(p)));
  });
});
