import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { defaultGtfsMapping } from './gtfs-default.mapping.js';
import { parseEntityMapping, parseGtfsMapping } from './import-mapping.parser.js';

function problemOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (isProblemDetails(error) && error.status === 400) return error.detail;
    throw error;
  }
  throw new Error('expected a 400');
}

const PARKING = {
  type: 'ParkingSpot',
  id: 'urn:ngsi-ld:ParkingSpot:{code}',
  '@context': 'https://contexts.example.org/city.jsonld',
  location: { latitude: 'lat', longitude: 'lon' },
  attributes: [
    { name: 'name', column: 'label' },
    { name: 'capacity', column: 'cap', type: 'integer', unitCode: 'C62', required: true },
    { name: 'refParkingSite', kind: 'Relationship', template: 'urn:ngsi-ld:ParkingSite:{site}' },
    { name: 'source', value: 'legacy GIS' },
  ],
  skip: [{ column: 'status', equals: 'deleted' }],
};

describe('parseEntityMapping', () => {
  it('parseEntityMapping reads a complete mapping with defaults filled in', () => {
    const mapping = parseEntityMapping(PARKING, 'parking.json');
    assert.equal(mapping.type, 'ParkingSpot');
    assert.deepEqual(mapping.id.fields, ['code']);
    assert.equal(mapping.decimalSeparator, '.');
    assert.equal(mapping.context, 'https://contexts.example.org/city.jsonld');
    assert.deepEqual(mapping.location, {
      from: 'coordinates',
      latitude: 'lat',
      longitude: 'lon',
      required: false,
    });
    const [name, capacity, site, source] = mapping.attributes;
    assert.deepEqual(name, {
      name: 'name',
      kind: 'Property',
      source: { from: 'field', field: 'label' },
      type: 'text',
      required: false,
      optionalField: false,
      array: false,
    });
    assert.equal(capacity?.unitCode, 'C62');
    assert.equal(capacity?.required, true);
    assert.equal(site?.source.from, 'template');
    assert.deepEqual(source?.source, { from: 'constant', value: 'legacy GIS' });
    assert.deepEqual(mapping.skip, [{ field: 'status', test: { equals: 'deleted' } }]);
  });

  it('parseEntityMapping lists every problem of a broken mapping at once', () => {
    const detail = problemOf(() =>
      parseEntityMapping(
        {
          type: 'Parking Spot',
          id: 'ParkingSpot-{code}',
          atributes: [],
          decimalSeparator: ';',
          location: { latitude: 'lat' },
          attributes: [
            { name: 'id', column: 'x' },
            { name: 'capacity', column: 'cap', type: 'float' },
            { name: 'capacity', column: 'cap2' },
            { name: 'owner', kind: 'Relationship', value: 'not a uri' },
            { name: 'where', kind: 'GeoProperty', value: { type: 'Point', coordinates: [500, 1] } },
            { name: 'both', column: 'a', value: 1 },
            { name: 'unit', column: 'a', unitCode: 'degrees Celsius' },
            { name: 'tags', column: 'a', array: true },
          ],
          skip: [{ column: 'x' }, { column: 'y', matches: '(' }],
        },
        'bad.json',
      ),
    );
    const expected = [
      /Invalid mapping bad\.json/,
      /unknown key 'atributes'/,
      /type: must be an entity type name/,
      /id: must start with a URI scheme/,
      /decimalSeparator: must be "\." or ","/,
      /location\.longitude: must name the longitude column/,
      /attributes\[0\]\.name: 'id' is not a valid attribute name/,
      /attributes\[1\]\.type: must be one of text, number, integer, boolean, date, json/,
      /attributes\[2\]\.name: 'capacity' is mapped twice/,
      /attributes\[3\]\.value: must be an absolute URI/,
      /attributes\[4\]\.value: .*longitude 500 is outside/,
      /attributes\[5\]: needs exactly one of/,
      /attributes\[6\]\.unitCode: must be a UN\/CEFACT code/,
      /attributes\[7\]\.array: only a Relationship takes it/,
      /skip\[0\]: needs exactly one of "equals", "in", "empty", "matches"/,
      /skip\[1\]\.matches: invalid regular expression/,
    ];
    for (const pattern of expected) assert.match(detail, pattern);
  });

  it('parseEntityMapping refuses an id template without placeholders', () => {
    assert.match(
      problemOf(() => parseEntityMapping({ type: 'T', id: 'urn:ngsi-ld:T:1' }, 'm.json')),
      /every record would update the same entity/,
    );
  });

  it('parseEntityMapping refuses placeholders with nothing between them in URIs', () => {
    const problem = problemOf(() =>
      parseEntityMapping(
        {
          type: 'T',
          id: 'urn:x:{a}{b}',
          attributes: [
            { name: 'rel', kind: 'Relationship', template: 'urn:y:{a}{b}' },
            { name: 'label', template: '{a}{b}' },
          ],
        },
        'm.json',
      ),
    );
    assert.match(problem, /- id: placeholders need text between them/);
    assert.match(problem, /- attributes\[0\]\.template: placeholders need text between them/);
    assert.doesNotMatch(problem, /attributes\[1\]/);
  });

  it('parseEntityMapping refuses constants Civis would refuse on every entity', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 5000; level += 1) deep = [deep];
    const problem = problemOf(() =>
      parseEntityMapping(
        {
          type: 'T',
          id: 'urn:x:{a}',
          attributes: [
            { name: 'hours', value: { mon: null } },
            { name: 'deep', value: deep },
          ],
        },
        'm.json',
      ),
    );
    assert.match(problem, /attributes\[0\]\.value: value: null is not a valid value/);
    assert.match(problem, /attributes\[1\]\.value: value: nested deeper than 100 levels/);
  });

  it('parseEntityMapping refuses values that are not mappings', () => {
    for (const raw of [null, [], 'csv', 42]) {
      assert.match(
        problemOf(() => parseEntityMapping(raw, 'm.json')),
        /must be a JSON object/,
      );
    }
  });

  it('parseEntityMapping accepts "geometry" as the location of GeoJSON features', () => {
    const mapping = parseEntityMapping({ type: 'T', id: 'urn:x:{$id}', location: 'geometry' }, 'm');
    assert.deepEqual(mapping.location, { from: 'geometry', required: false });
  });
});

describe('parseGtfsMapping', () => {
  it('the built-in GTFS mapping is valid and imports agency, routes, then stops', () => {
    const mapping = defaultGtfsMapping();
    assert.deepEqual(
      mapping.files.map((entry) => [entry.file, entry.mapping.type]),
      [
        ['agency.txt', 'GtfsAgency'],
        ['routes.txt', 'GtfsRoute'],
        ['stops.txt', 'GtfsStop'],
      ],
    );
  });

  it('parseGtfsMapping gives the shared @context to files without their own', () => {
    const mapping = parseGtfsMapping(
      {
        '@context': 'https://example.org/ctx.jsonld',
        files: { 'stops.txt': { type: 'GtfsStop', id: 'urn:ngsi-ld:GtfsStop:{stop_id}' } },
      },
      'gtfs.json',
    );
    assert.equal(mapping.files[0]?.mapping.context, 'https://example.org/ctx.jsonld');
  });

  it('parseGtfsMapping names the file of each problem', () => {
    const detail = problemOf(() =>
      parseGtfsMapping(
        { files: { 'stops.txt': { type: 'GtfsStop' }, '../etc/passwd': {} } },
        'gtfs.json',
      ),
    );
    assert.match(detail, /files\.stops\.txt\.id: must be an id template/);
    assert.match(detail, /files\.\.\.\/etc\/passwd: must name a feed file/);
  });
});
