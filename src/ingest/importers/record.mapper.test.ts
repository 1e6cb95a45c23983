import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEntityMapping } from './import-mapping.parser.js';
import type { SourceRecord } from './import.types.js';
import { createRecordMapper, missingFields } from './record.mapper.js';

const mapping = parseEntityMapping(
  {
    type: 'ParkingSpot',
    id: 'urn:ngsi-ld:ParkingSpot:{code}',
    location: { latitude: 'lat', longitude: 'lon' },
    attributes: [
      { name: 'name', column: 'label' },
      { name: 'capacity', column: 'cap', type: 'integer', unitCode: 'C62' },
      { name: 'open', column: 'open', type: 'boolean', required: true },
      { name: 'refParkingSite', kind: 'Relationship', template: 'urn:ngsi-ld:ParkingSite:{site}' },
      { name: 'note', column: 'note', optionalColumn: true },
      { name: 'source', value: 'legacy GIS' },
    ],
    skip: [
      { column: 'status', in: ['deleted', 'draft'] },
      { column: 'code', matches: '^TEST-' },
    ],
  },
  'parking.json',
);
const mapRecord = createRecordMapper(mapping);

function record(fields: Record<string, unknown>, extra: Partial<SourceRecord> = {}): SourceRecord {
  return { at: 'line 2', fields, raw: [], ...extra };
}

const GOOD = {
  code: 'A 13',
  label: '=cmd|" /C calc"!A0',
  cap: '12',
  open: 'yes',
  site: 'north',
  lat: '43.46',
  lon: '-3.80',
  status: 'active',
};

describe('createRecordMapper', () => {
  it('maps a record to a normalized NGSI-LD entity', () => {
    assert.deepEqual(mapRecord(record(GOOD)), {
      outcome: 'entity',
      entity: {
        id: 'urn:ngsi-ld:ParkingSpot:A%2013',
        type: 'ParkingSpot',
        location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [-3.8, 43.46] } },
        name: { type: 'Property', value: '=cmd|" /C calc"!A0' },
        capacity: { type: 'Property', value: 12, unitCode: 'C62' },
        open: { type: 'Property', value: true },
        refParkingSite: { type: 'Relationship', object: 'urn:ngsi-ld:ParkingSite:north' },
        source: { type: 'Property', value: 'legacy GIS' },
      },
    });
  });

  it('leaves out attributes whose value is empty unless required', () => {
    const outcome = mapRecord(record({ ...GOOD, cap: '', site: '', lat: '', lon: '' }));
    assert.equal(outcome.outcome, 'entity');
    const entity = (outcome as { entity: Record<string, unknown> }).entity;
    assert.equal(entity['capacity'], undefined);
    assert.equal(entity['refParkingSite'], undefined);
    assert.equal(entity['location'], undefined);
  });

  it('rejects a record with every problem it has', () => {
    const outcome = mapRecord(record({ ...GOOD, code: '', cap: 'twelve', open: '', lat: '95' }));
    assert.equal(outcome.outcome, 'rejected');
    const reason = (outcome as { reason: string }).reason;
    assert.match(reason, /id: column 'code' is empty/);
    assert.match(reason, /capacity \(column 'cap'\): 'twelve' is not an integer/);
    assert.match(reason, /open: column 'open' is empty/);
    assert.match(reason, /location \(column 'lat'\): 95 is outside \[-90, 90\]/);
  });

  it('skips records matching a skip rule before checking them', () => {
    assert.deepEqual(mapRecord(record({ ...GOOD, status: 'draft', cap: 'bad' })), {
      outcome: 'skipped',
    });
    assert.deepEqual(mapRecord(record({ ...GOOD, code: 'TEST-1' })), { outcome: 'skipped' });
  });

  it('passes on the problem a reader found', () => {
    assert.deepEqual(mapRecord(record(GOOD, { problem: 'has 3 fields, the header has 8' })), {
      outcome: 'rejected',
      reason: 'has 3 fields, the header has 8',
    });
  });

  it('writes a Relationship object as a one-URI array when the mapping says "array"', () => {
    const listed = createRecordMapper(
      parseEntityMapping(
        {
          type: 'GtfsStop',
          id: 'urn:x:{id}',
          attributes: [
            { name: 'operatedBy', kind: 'Relationship', template: 'urn:a:{agency}', array: true },
          ],
        },
        'm',
      ),
    );
    assert.deepEqual(listed(record({ id: '1', agency: 'EMT' })), {
      outcome: 'entity',
      entity: {
        id: 'urn:x:1',
        type: 'GtfsStop',
        operatedBy: { type: 'Relationship', object: ['urn:a:EMT'] },
      },
    });
  });

  it('rejects a Relationship column that holds no URI', () => {
    const relation = createRecordMapper(
      parseEntityMapping(
        {
          type: 'T',
          id: 'urn:x:{id}',
          attributes: [{ name: 'owner', kind: 'Relationship', column: 'owner' }],
        },
        'm',
      ),
    );
    const outcome = relation(record({ id: '1', owner: 'Alice' }));
    assert.deepEqual(outcome, {
      outcome: 'rejected',
      reason: "owner (column 'owner'): 'Alice' is not an absolute URI",
    });
  });

  it('reads only the record own fields: a missing "constructor" column is empty', () => {
    const members = createRecordMapper(
      parseEntityMapping(
        {
          type: 'T',
          id: 'urn:x:{id}',
          attributes: [
            { name: 'builder', column: 'constructor', optionalColumn: true },
            { name: 'label', template: '{toString}', optionalColumn: true },
          ],
        },
        'm',
      ),
    );
    assert.deepEqual(members(record({ id: '1' })), {
      outcome: 'entity',
      entity: { id: 'urn:x:1', type: 'T' },
    });
  });

  it('rejects a record whose id value holds an unpaired surrogate, and goes on', () => {
    // JSON (GeoJSON properties) can carry "\ud800"; encodeURIComponent throws on it.
    const outcome = mapRecord(record({ ...GOOD, code: 'A\ud80013', site: 'n\udc00' }));
    assert.deepEqual(outcome, {
      outcome: 'rejected',
      reason:
        "id: column 'code' holds an unpaired UTF-16 surrogate, which no URI can hold; " +
        "refParkingSite: column 'site' holds an unpaired UTF-16 surrogate, which no URI can hold",
    });
  });

  it('takes a GeoJSON geometry as location and rejects invalid geometries', () => {
    const geo = createRecordMapper(
      parseEntityMapping({ type: 'Building', id: 'urn:x:{$id}', location: 'geometry' }, 'm'),
    );
    const polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    };
    const ok = geo(record({ $id: 7 }, { geometry: polygon }));
    assert.deepEqual((ok as { entity: Record<string, unknown> }).entity['location'], {
      type: 'GeoProperty',
      value: polygon,
    });
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ],
    };
    assert.match(
      (geo(record({ $id: 8 }, { geometry: open })) as { reason: string }).reason,
      /not closed/,
    );
    const collection = { type: 'GeometryCollection', geometries: [] };
    assert.match(
      (geo(record({ $id: 9 }, { geometry: collection })) as { reason: string }).reason,
      /GeometryCollection is not supported/,
    );
  });
});

describe('missingFields', () => {
  it('missingFields names mapped columns a header lacks, except optional ones', () => {
    assert.deepEqual(
      missingFields(mapping, ['code', 'label', 'cap', 'open', 'lat', 'lon', 'status']),
      ['site'],
    );
  });
});
