/**
 * Generates the demo city shipped in assets/demo-city/ (run once; the output is committed):
 *   node --import tsx scripts/generate-demo-city.ts
 * Lindmere is a fictional town of six districts on a jittered 3 × 2 grid, a street grid
 * with a denser old town and one diagonal boulevard, a river and a few landmarks. The same
 * seed gives the same files, byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Feature, FeatureCollection, LineString, Point, Polygon, Position } from 'geojson';
import { createRandom } from '../src/ingest/simulator/seeded-random.js';

const OUT = fileURLToPath(new URL('../assets/demo-city/', import.meta.url));
const CENTER: Position = [2.6, 46.2];
const M_PER_DEG_LAT = 111_132;
const M_PER_DEG_LON = 111_320 * Math.cos((CENTER[1]! * Math.PI) / 180);
const random = createRandom(20261124);

/** Local metres (x east, y north, from the centre) to [lon, lat], 6 decimals (~0.1 m). */
function toLonLat([x, y]: Position): Position {
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return [round(CENTER[0]! + x! / M_PER_DEG_LON), round(CENTER[1]! + y! / M_PER_DEG_LAT)];
}

// District grid: 4 × 3 vertices, jittered; edges are jittered polylines shared by neighbours.
const XS = [-2100, -700, 700, 2100];
const YS = [-1500, 0, 1500];
const vertex: Position[][] = XS.map((x, c) =>
  YS.map((y, r) => {
    const outer = c === 0 || c === XS.length - 1 || r === 0 || r === YS.length - 1;
    const j = outer ? 90 : 160;
    return [x + random.between(-j, j), y + random.between(-j, j)];
  }),
);

const edges = new Map<string, Position[]>();
function edge(a: [number, number], b: [number, number]): Position[] {
  const key = `${a.join(',')}>${b.join(',')}`;
  const reversed = `${b.join(',')}>${a.join(',')}`;
  const known = edges.get(key) ?? edges.get(reversed)?.slice().reverse();
  if (known) return known;
  const p = vertex[a[0]]![a[1]]!;
  const q = vertex[b[0]]![b[1]]!;
  const steps = 7;
  const dx = q[0]! - p[0]!;
  const dy = q[1]! - p[1]!;
  const length = Math.hypot(dx, dy);
  const points: Position[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const offset = i === 0 || i === steps ? 0 : random.between(-55, 55);
    points.push([p[0]! + dx * t - (dy / length) * offset, p[1]! + dy * t + (dx / length) * offset]);
  }
  edges.set(key, points);
  return points;
}

const DISTRICTS = [
  { c: 0, r: 0, id: 'millbank', name: 'Millbank', kind: 'industrial', population: 900 },
  { c: 1, r: 0, id: 'old-town', name: 'Old Town', kind: 'commercial', population: 5200 },
  {
    c: 2,
    r: 0,
    id: 'station-quarter',
    name: 'Station Quarter',
    kind: 'commercial',
    population: 4100,
  },
  { c: 0, r: 1, id: 'westfield', name: 'Westfield', kind: 'residential', population: 9400 },
  { c: 1, r: 1, id: 'university-hill', name: 'University Hill', kind: 'mixed', population: 6800 },
  { c: 2, r: 1, id: 'northgate', name: 'Northgate', kind: 'residential', population: 8700 },
] as const;

const districtFeatures: Array<Feature<Polygon>> = DISTRICTS.map((d) => {
  const ring = [
    ...edge([d.c, d.r], [d.c + 1, d.r]),
    ...edge([d.c + 1, d.r], [d.c + 1, d.r + 1]).slice(1),
    ...edge([d.c + 1, d.r + 1], [d.c, d.r + 1]).slice(1),
    ...edge([d.c, d.r + 1], [d.c, d.r]).slice(1),
  ];
  return {
    type: 'Feature',
    id: d.id,
    properties: { id: d.id, name: d.name, kind: d.kind, population: d.population },
    geometry: { type: 'Polygon', coordinates: [ring.map(toLonLat)] },
  };
});

const inTown = (p: Position) => districtFeatures.some((d) => booleanPointInPolygon(toLonLat(p), d));
const inOldTown = (p: Position) => booleanPointInPolygon(toLonLat(p), districtFeatures[1]!);

const EAST_WEST = [
  'Linden',
  'Maple',
  'Oak',
  'Birch',
  'Cedar',
  'Elm',
  'Willow',
  'Ash',
  'Chestnut',
  'Poplar',
  'Alder',
  'Hazel',
  'Rowan',
  'Yew',
  'Juniper',
  'Holly',
  'Laurel',
  'Magnolia',
  'Spruce',
  'Sycamore',
  'Hawthorn',
  'Beech',
  'Larch',
  'Aspen',
  'Walnut',
  'Cherry',
  'Plum',
  'Myrtle',
  'Olive',
  'Hornbeam',
];
const NORTH_SOUTH = [
  'Mill',
  'Church',
  'Market',
  'Station',
  'Bridge',
  'River',
  'School',
  'Garden',
  'Castle',
  'Harbour',
  'Orchard',
  'Meadow',
  'Forge',
  'Weaver',
  'Tanner',
  'Baker',
  'Cooper',
  'Mason',
  'Fletcher',
  'Potter',
  'Chandler',
  'Glover',
  'Carter',
  'Thatcher',
  'Miller',
  'Draper',
  'Saddler',
  'Turner',
  'Cutler',
  'Dyer',
  'Sawyer',
  'Brewer',
  'Smith',
  'Wright',
  'Hooper',
  'Slater',
  'Spinner',
  'Cartwright',
  'Quarry',
  'Abbey',
];

const streetFeatures: Array<Feature<LineString>> = [];
/** Splits a polyline into the runs of points that satisfy `keep` and adds each as a street. */
function addStreet(name: string, cls: string, points: Position[], keep: (p: Position) => boolean) {
  let run: Position[] = [];
  const flush = () => {
    if (run.length >= 3) {
      const id = `street-${streetFeatures.length + 1}`;
      streetFeatures.push({
        type: 'Feature',
        id,
        properties: { id, name, class: cls },
        geometry: { type: 'LineString', coordinates: run.map(toLonLat) },
      });
    }
    run = [];
  };
  for (const p of points) {
    if (keep(p)) run.push(p);
    else flush();
  }
  flush();
}

function wavy(from: number, to: number, fixed: number, horizontal: boolean, step = 60) {
  const amplitude = random.between(8, 28);
  const wavelength = random.between(350, 700);
  const phase = random.between(0, 2 * Math.PI);
  const points: Position[] = [];
  for (let t = from; t <= to; t += step) {
    const off = fixed + amplitude * Math.sin(t / wavelength + phase);
    points.push(horizontal ? [t, off] : [off, t]);
  }
  return points;
}

let ew = 0;
for (let y = -1410; y <= 1500; y += 180, ew++) {
  const primary = ew % 4 === 2;
  const name = `${EAST_WEST[ew % EAST_WEST.length]} ${primary ? 'Avenue' : 'Street'}`;
  addStreet(name, primary ? 'primary' : 'residential', wavy(-2300, 2300, y, true), inTown);
}
let ns = 0;
for (let x = -2010; x <= 2100; x += 180, ns++) {
  const primary = ns % 5 === 3;
  const name = `${NORTH_SOUTH[ns % NORTH_SOUTH.length]} ${primary ? 'Boulevard' : 'Road'}`;
  addStreet(name, primary ? 'primary' : 'residential', wavy(-1700, 1700, x, false), inTown);
}
// The old town's lanes lie between the grid streets.
let lane = 0;
for (let y = -1320; y <= 100; y += 180, lane++)
  addStreet(
    `${EAST_WEST[(lane + 13) % EAST_WEST.length]} Lane`,
    'lane',
    wavy(-900, 900, y, true, 40),
    inOldTown,
  );
for (let x = -610; x <= 700; x += 180, lane++)
  addStreet(
    `${NORTH_SOUTH[(lane + 20) % NORTH_SOUTH.length]} Lane`,
    'lane',
    wavy(-1700, 200, x, false, 40),
    inOldTown,
  );
const diagonal: Position[] = [];
for (let t = 0; t <= 1; t += 1 / 80)
  diagonal.push([-2200 + 4400 * t, -1600 + 3200 * t + 40 * Math.sin(t * 9)]);
addStreet('Grand Boulevard', 'primary', diagonal, inTown);

const river: Position[] = [];
for (let x = -2500; x <= 2500; x += 50)
  river.push([x, -1330 + 70 * Math.sin(x / 600) + 25 * Math.sin(x / 170)]);
const park: Position[] = [];
for (let a = 0; a < 2 * Math.PI; a += Math.PI / 16)
  park.push([80 + 230 * Math.cos(a), 780 + 160 * Math.sin(a)]);
park.push(park[0]!);
const point = (id: string, name: string, kind: string, at: Position): Feature<Point> => ({
  type: 'Feature',
  id,
  properties: { id, name, kind },
  geometry: { type: 'Point', coordinates: toLonLat(at) },
});
const landmarks: FeatureCollection = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 'river-linden',
      properties: { id: 'river-linden', name: 'River Linden', kind: 'river' },
      geometry: { type: 'LineString', coordinates: river.map(toLonLat) },
    },
    {
      type: 'Feature',
      id: 'city-park',
      properties: { id: 'city-park', name: 'City Park', kind: 'park' },
      geometry: { type: 'Polygon', coordinates: [park.map(toLonLat)] },
    },
    point('town-hall', 'Town Hall', 'townHall', [20, -760]),
    point('central-station', 'Central Station', 'station', [1500, -600]),
    point('university', 'University', 'university', [-150, 1100]),
    point('hospital', 'Lindmere Hospital', 'hospital', [1350, 900]),
    point('stadium', 'Westfield Stadium', 'stadium', [-1500, 800]),
    point('recycling-centre', 'Recycling Centre', 'recyclingCentre', [-1600, -900]),
  ],
};

const all = districtFeatures.flatMap((d) => d.geometry.coordinates[0]!);
const lons = all.map((p) => p[0]!);
const lats = all.map((p) => p[1]!);
const city = {
  name: 'Lindmere',
  description:
    'A fictional town of six districts, the demo city of Civis (generated by scripts/generate-demo-city.ts).',
  timezone: 'Europe/Paris',
  center: CENTER,
  bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
  license: 'Apache-2.0 (generated data, no third-party source)',
};

/** One feature per line: small files that still diff line by line. */
function writeCollection(file: string, features: Feature[]) {
  const body = features.map((f) => JSON.stringify(f)).join(',\n');
  writeFileSync(`${OUT}${file}`, `{"type":"FeatureCollection","features":[\n${body}\n]}\n`);
}
writeFileSync(`${OUT}city.json`, `${JSON.stringify(city, null, 2)}\n`);
writeCollection('districts.geojson', districtFeatures);
writeCollection('streets.geojson', streetFeatures);
writeCollection('landmarks.geojson', landmarks.features);
process.stdout.write(
  `demo city: ${districtFeatures.length} districts, ${streetFeatures.length} streets, ${landmarks.features.length} landmarks\n`,
);
