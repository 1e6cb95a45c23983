import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entity } from '../model.js';
import { parseQ } from './q-parser.js';
import { matchesQ, qAttributes } from './q-evaluator.js';

const DEFAULT = 'https://uri.etsi.org/ngsi-ld/default-context/';
const expand = (t: string): string => (t.includes(':') ? t : DEFAULT + t);
const iri = (name: string): string => DEFAULT + name;

const vehicle: Entity = {
  id: 'urn:ngsi-ld:Vehicle:A4567',
  type: [iri('Vehicle')],
  createdAt: '2018-08-01T10:00:00Z',
  modifiedAt: '2018-08-01T12:03:00Z',
  attrs: {
    [iri('brandName')]: [{ type: 'Property', value: 'Mercedes' }],
    [iri('speed')]: [
      {
        type: 'Property',
        value: 55,
        unitCode: 'KMH',
        observedAt: '2018-08-01T12:03:00Z',
        attrs: {
          [iri('source')]: [
            {
              type: 'Property',
              value: 'Speedometer',
              attrs: { [iri('reliability')]: [{ type: 'Property', value: 0.95 }] },
            },
          ],
        },
      },
      {
        type: 'Property',
        value: 54.5,
        datasetId: 'urn:ngsi-ld:Dataset:gps',
        observedAt: '2018-08-01T12:05:00.500Z',
      },
    ],
    [iri('isParked')]: [{ type: 'Relationship', object: 'urn:ngsi-ld:OffStreetParking:Downtown1' }],
    [iri('passengers')]: [
      { type: 'Relationship', object: ['urn:ngsi-ld:Person:1', 'urn:ngsi-ld:Person:2'] },
    ],
    [iri('route')]: [
      { type: 'ListRelationship', objectList: ['urn:ngsi-ld:Stop:1', 'urn:ngsi-ld:Stop:2'] },
    ],
    [iri('colors')]: [{ type: 'Property', value: ['black', 'red'] }],
    [iri('readings')]: [{ type: 'ListProperty', valueList: [3, 7, 11] }],
    [iri('name')]: [
      {
        type: 'LanguageProperty',
        languageMap: { en: 'red car', fr: ['voiture rouge', 'auto rouge'] },
      },
    ],
    [iri('category')]: [
      { type: 'VocabProperty', vocab: [iri('commercial'), 'https://example.org/taxi'] },
    ],
    [iri('address')]: [
      {
        type: 'Property',
        value: { city: { name: 'Berlin' }, zip: 10115, lines: ['Main St 1', 'Floor 2'] },
      },
    ],
    [iri('config')]: [{ type: 'JsonProperty', json: { id: 'raw', value: 3 } }],
    [iri('isElectric')]: [{ type: 'Property', value: false }],
    [iri('code')]: [{ type: 'Property', value: '20' }],
    [iri('serviced')]: [
      { type: 'Property', value: { '@type': 'DateTime', '@value': '2018-06-01T08:00:00Z' } },
    ],
    [iri('registered')]: [
      {
        type: 'Property',
        value: { '@type': 'https://uri.etsi.org/ngsi-ld/Date', '@value': '2015-03-10' },
      },
    ],
    [iri('opens')]: [{ type: 'Property', value: '08:30:00Z' }],
    [iri('location')]: [
      { type: 'GeoProperty', value: { type: 'Point', coordinates: [-8.5, 41.2] } },
    ],
  },
};

function matches(q: string, entity: Entity = vehicle): boolean {
  return matchesQ(entity, parseQ(q, expand), expand);
}
function check(cases: Record<string, boolean>): void {
  for (const [q, expected] of Object.entries(cases)) assert.equal(matches(q), expected, q);
}

test('matchesQ tests existence of an attribute (NGSI-LD 4.9)', () => {
  check({
    speed: true,
    temperature: false,
    'speed.source': true,
    'speed.missing': false,
    'speed.unitCode': true,
    'brandName.unitCode': false,
  });
});

test('matchesQ compares Property values of each JSON type', () => {
  check({
    'brandName=="Mercedes"': true,
    'brandName=="BMW"': false,
    'speed==55': true,
    'isElectric==false': true,
    'isElectric==true': false,
    'brandName>"Audi"': true,
    'brandName<"Audi"': false,
    'brandName>="Mercedes"': true,
    'brandName<="Mercedes"': true,
  });
});

test('matchesQ matches a multi-instance attribute when any instance does (query.md §2.2)', () => {
  check({
    'speed==54.5': true,
    'speed<55': true,
    'speed>55': false,
    'speed>=55': true,
    'speed==60': false,
  });
});

test('matchesQ never matches a comparison across types (query.md §2.3)', () => {
  check({
    'code==20': false,
    'code=="20"': true,
    'speed=="55"': false,
    'isElectric=="false"': false,
    'code>10': false,
    'brandName>1': false,
  });
});

test('matchesQ requires existence for != and counts a type mismatch as unequal', () => {
  check({
    'temperature!=5': false,
    'brandName!="BMW"': true,
    'brandName!="Mercedes"': false,
    'code!=20': true,
    'isElectric!=true': true,
  });
});

test('matchesQ reads == on an array target as contains, != as does not contain', () => {
  check({
    'colors=="red"': true,
    'colors=="blue"': false,
    'colors!="blue"': true,
    'colors!="red"': false,
    'colors=="blue","black"': true,
  });
});

test('matchesQ matches lists (any element) and inclusive ranges', () => {
  check({
    'brandName=="BMW","Mercedes"': true,
    'brandName!="BMW","Mercedes"': false,
    'brandName!="BMW","Audi"': true,
    'speed==50..55': true,
    'speed==55..60': true,
    'speed==56..60': false,
    'speed!=50..60': false,
    'code!=10..30': true,
    'brandName=="A".."N"': true,
  });
});

test('matchesQ compares Relationship objects with == and != only', () => {
  check({
    'isParked=="urn:ngsi-ld:OffStreetParking:Downtown1"': true,
    'isParked==urn:ngsi-ld:OffStreetParking:Downtown1': true,
    'isParked!=urn:ngsi-ld:OffStreetParking:Other': true,
    'isParked>"urn:a"': false,
    'isParked~="Downtown"': false,
    'passengers==urn:ngsi-ld:Person:2': true,
    'passengers!=urn:ngsi-ld:Person:2': false,
    'route==urn:ngsi-ld:Stop:1': true,
    'route==urn:ngsi-ld:Stop:9': false,
  });
});

test('matchesQ compares ListProperty elements', () => {
  check({
    'readings==7': true,
    'readings>10': true,
    'readings>11': false,
    'readings==4..6': false,
    'readings[1]==7': true,
  });
});

test('matchesQ compares LanguageProperty values, name[tag] selecting a language (query.md §2.2)', () => {
  check({
    'name=="red car"': true,
    'name[en]=="red car"': true,
    'name[fr]=="red car"': false,
    'name[fr]=="auto rouge"': true,
    'name[*]=="auto rouge"': true,
    'name[de]': false,
    'name[en]': true,
    'name[en.x]': false,
    'name~="^voiture"': true,
  });
});

test('matchesQ compares VocabProperty IRIs with the query value expanded (query.md §2.3)', () => {
  check({
    'category==commercial': true,
    'category=="commercial"': true,
    'category==private': false,
    'category==https://example.org/taxi': true,
  });
  assert.equal(
    matchesQ(vehicle, parseQ('category==commercial', expand)),
    false,
    'no expansion by default',
  );
});

test('matchesQ follows sub-attribute chains', () => {
  check({
    'speed.source=="Speedometer"': true,
    'speed.source.reliability>0.9': true,
    'speed.source.reliability>0.99': false,
  });
});

test('matchesQ compares members: observedAt as DateTime, unitCode and datasetId as strings', () => {
  check({
    'speed.observedAt>=2018-08-01T12:04:00Z': true,
    'speed.observedAt>2018-08-01T12:05:00.500Z': false,
    'speed.observedAt==2018-08-01T12:05:00.5Z': true,
    'speed.observedAt<"2018-08-01T12:03:00.001Z"': true,
    'speed.unitCode=="KMH"': true,
    'speed.datasetId==urn:ngsi-ld:Dataset:gps': true,
    'brandName.observedAt': false,
  });
});

test('matchesQ looks into object values with a member path; a missing member does not match', () => {
  check({
    'address[city.name]=="Berlin"': true,
    'address[zip]>10000': true,
    'address[lines]=="Floor 2"': true,
    'address[lines.0]=="Main St 1"': true,
    'address[country]=="DE"': false,
    'address[country]!="DE"': false,
    'address[zip.x]': false,
    'config[id]=="raw"': true,
    'config[value]==3': true,
  });
});

test('matchesQ compares DateTime, Date and Time values, typed literals included (data-model.md §7)', () => {
  check({
    'serviced<2018-07-01T00:00:00Z': true,
    'serviced==2018-06-01T08:00:00.000Z': true,
    'serviced==2018-06-01T08:00:00Z..2018-06-02T00:00:00Z': true,
    'serviced>"2018-07-01T00:00:00Z"': false,
    'serviced=="2018-06-01T08:00:00Z"': true,
    'serviced==2018-06-01': false,
    'registered<2016-01-01': true,
    'registered>2016-01-01': false,
    'opens<09:00:00Z': true,
    'opens>=08:30:00.5Z': false,
    'brandName>2018-01-01T00:00:00Z': false,
  });
});

test('matchesQ applies regular expressions unanchored to strings only', () => {
  check({
    'brandName~="erc"': true,
    'brandName~="^erc"': false,
    'brandName~="(?i)^MER.*"': true,
    'brandName~="^MER"': false,
    'brandName!~="^BMW"': true,
    'brandName!~="Merc"': false,
    'speed~="5"': false,
    'speed!~="5"': false,
    'colors~="^bl"': true,
    'category~="taxi$"': true,
  });
});

test('matchesQ combines terms with ; and | and groups', () => {
  check({
    'speed>50;brandName!="Mercedes"': false,
    'speed>50;brandName=="Mercedes"': true,
    '(speed>100|brandName=="Mercedes");isElectric==false': true,
    'speed>100|temperature': false,
    '((speed>100|temperature);brandName)|colors=="red"': true,
  });
});

test('matchesQ treats GeoProperty values as non-comparable except by member path', () => {
  check({ location: true, 'location=="Point"': false, 'location[type]=="Point"': true });
});

test('qAttributes lists the top-level attributes referenced, once each', () => {
  assert.deepEqual(qAttributes(parseQ('(speed>1|a.b==2);speed<9|c[x]', expand)), [
    iri('speed'),
    iri('a'),
    iri('c'),
  ]);
  assert.deepEqual(qAttributes(parseQ('speed', expand)), [iri('speed')]);
});
