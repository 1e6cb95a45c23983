/**
 * A small city for the query contract: every attribute kind, arrays, multi-instance
 * attributes, sub-attributes, JSON values, typed dates, scopes, geometries (one given as
 * JSON text) and values that look like SQL. Listed in creation order.
 */
import type { Entity } from '../../src/ngsi-ld/model.js';
import { entity, geo, iri, point, prop, rel } from './entity-store.fixtures.js';

export const SQL_LOOKALIKE = "O'Brien'; DROP TABLE entities; --";

export const CITY: Entity[] = [
  entity(
    'urn:ngsi-ld:Car:1',
    'Car',
    {
      speed: prop(50),
      brand: prop('Mercedes'),
      isParked: rel('urn:ngsi-ld:Parking:1'),
      color: prop(['black', 'red']),
      temperature: [prop(20), prop(25, { datasetId: 'urn:ngsi-ld:Dataset:b' })],
      location: geo(point(8, 40)),
    },
    { scope: ['/Madrid/Centro'] },
  ),
  entity('urn:ngsi-ld:Car:2', 'Car', {
    speed: prop(80),
    brand: prop('Volvo'),
    isParked: rel('urn:ngsi-ld:Parking:2'),
    color: prop('white'),
    active: prop(true),
    location: geo(point(8.1, 40.1)),
  }),
  entity('urn:ngsi-ld:Car:3', ['Car', 'Vehicle'], {
    speed: prop('fast'),
    brand: prop('BMW'),
    active: prop(false),
    location: geo('{"type":"Point","coordinates":[-3.7,40.4]}'),
  }),
  entity('urn:ngsi-ld:Truck:1', ['Truck', 'Vehicle'], {
    speed: prop(30, {
      observedAt: '2024-05-01T10:00:00Z',
      attrs: { [iri('accuracy')]: [prop(0.5)] },
    }),
    load: prop(1000),
    name: { type: 'LanguageProperty', languageMap: { en: 'red truck', fr: 'camion rouge' } },
    category: { type: 'VocabProperty', vocab: iri('Delivery') },
    location: geo({
      type: 'LineString',
      coordinates: [
        [7, 41],
        [9, 41],
      ],
    }),
  }),
  entity(
    'urn:ngsi-ld:Parking:1',
    'OffStreetParking',
    {
      totalSpots: prop(100),
      address: prop({ city: 'Berlin', street: 'Unter den Linden' }),
      location: geo({
        type: 'Polygon',
        coordinates: [
          [
            [13, 52],
            [13.1, 52],
            [13.1, 52.1],
            [13, 52.1],
            [13, 52],
          ],
        ],
      }),
    },
    { scope: ['/Madrid/Gardens/ParqueNorte'] },
  ),
  entity(
    'urn:ngsi-ld:Parking:2',
    'OffStreetParking',
    {
      totalSpots: prop(20),
      address: prop({ city: 'Madrid' }),
      refs: {
        type: 'ListRelationship',
        objectList: ['urn:ngsi-ld:Thing:a', 'urn:ngsi-ld:Thing:b'],
      },
      tags: { type: 'ListProperty', valueList: ['a', 3, true] },
      area: geo(point(-3.7, 40.4)),
    },
    { scope: ['/Berlin'] },
  ),
  entity('urn:ngsi-ld:Sensor:1', 'Sensor', {
    reading: prop({ '@type': 'DateTime', '@value': '2024-03-01T00:00:00Z' }),
    raw: { type: 'JsonProperty', json: { x: 1 } },
    label: [prop(SQL_LOOKALIKE), prop('a\u0000b', { datasetId: 'urn:ngsi-ld:Dataset:nul' })],
  }),
  entity('urn:ngsi-ld:Sensor:2', 'Sensor'),
  entity('urn:ngsi-ld:Car:4', 'Car', {
    speed: prop(50.5),
    brand: prop('mercedes'),
    temperature: prop(18),
    location: geo(point(8.05, 40.05)),
  }),
];
