/**
 * Generated q expressions over generated entities: the store (SQL prefilter, exact or not,
 * then the exact filter) must answer exactly like the exact filter alone. This guards the
 * translation's two promises: never lose a match, and claim exactness only when it holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Attribute, Entity, JsonValue } from '../../src/ngsi-ld/model.js';
import { isProblemDetails } from '../../src/ngsi-ld/problem-details.js';
import type { QExpr } from '../../src/ngsi-ld/query/query.types.js';
import {
  entity,
  expectedPage,
  q,
  query,
  seed,
  type MakeStore,
  type StoreUnderTest,
} from './entity-store.fixtures.js';

const TENANT = 'differential';

/** mulberry32: a small seeded generator, so every run tests the same cases. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  '',
  '0',
  '1',
  '10',
  'a',
  'B',
  'b',
  'ba',
  'é',
  'z',
  'urn:x:1',
  'urn:x:2',
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  '12:00:00Z',
  '😀',
  '\uE000x',
  'a\u0000',
  "it's",
];
const NUMBERS = [-1, 0, 1, 2.5, 10, 100];
const ATTRS = ['a', 'b', 'c'];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function scalar(next: () => number): JsonValue {
  const r = next();
  if (r < 0.4) return pick(next, NUMBERS);
  if (r < 0.85) return pick(next, STRINGS);
  if (r < 0.95) return next() < 0.5;
  return {
    '@type': pick(next, ['DateTime', 'Date']),
    '@value': pick(next, ['2024-01-01T00:00:00Z', '2024-01-01', '2023-06-30']),
  };
}

function attribute(next: () => number): Attribute {
  const r = next();
  if (r < 0.45)
    return { type: 'Property', value: next() < 0.25 ? [scalar(next), scalar(next)] : scalar(next) };
  if (r < 0.6) return { type: 'Relationship', object: pick(next, ['urn:x:1', 'urn:x:2', 'a']) };
  if (r < 0.7) return { type: 'ListProperty', valueList: [scalar(next), scalar(next)] };
  if (r < 0.78)
    return {
      type: 'LanguageProperty',
      languageMap: { en: pick(next, STRINGS), fr: [pick(next, STRINGS)] },
    };
  if (r < 0.86) return { type: 'VocabProperty', vocab: pick(next, ['urn:x:1', 'a', 'b']) };
  if (r < 0.93)
    return { type: 'ListRelationship', objectList: ['urn:x:2', pick(next, ['urn:x:1', 'b'])] };
  return { type: 'JsonProperty', json: { k: scalar(next) } };
}

function buildCorpus(next: () => number): Entity[] {
  return Array.from({ length: 80 }, (_, i) => {
    const attrs: Record<string, Attribute[]> = {};
    for (const name of ATTRS) {
      if (next() < 0.25) continue;
      const instances = next() < 0.2 ? 2 : 1;
      attrs[name] = Array.from({ length: instances }, (_, k) => ({
        ...attribute(next),
        ...(k > 0 ? { datasetId: `urn:ds:${k}` } : {}),
      }));
    }
    return entity(`urn:ngsi-ld:Gen:${i}`, 'Gen', attrs);
  });
}

function valueText(next: () => number): string {
  const r = next();
  const one = (): string => {
    const s = next();
    if (s < 0.35) return String(pick(next, NUMBERS));
    if (s < 0.75) return JSON.stringify(pick(next, STRINGS));
    if (s < 0.85) return pick(next, ['true', 'false']);
    if (s < 0.93) return pick(next, ['2024-01-01', '2024-01-01T00:00:00Z', '12:00:00Z']);
    return pick(next, ['urn:x:1', 'urn:x:2']);
  };
  if (r < 0.7) return one();
  if (r < 0.85) return `${one()},${one()}`;
  return `${one()}..${one()}`;
}

function termText(next: () => number): string {
  const attr = pick(next, ATTRS);
  const r = next();
  if (r < 0.1) return attr;
  if (r < 0.15) return `${attr}~=${JSON.stringify(pick(next, ['^a', 'b', '^$']))}`;
  return `${attr}${pick(next, ['==', '!=', '<', '<=', '>', '>=', '==', '!='])}${valueText(next)}`;
}

function expressions(next: () => number, count: number): Array<[string, QExpr]> {
  const out: Array<[string, QExpr]> = [];
  while (out.length < count) {
    const terms = Array.from({ length: 1 + Math.floor(next() * 3) }, () => termText(next));
    const text = terms.reduce((acc, term) => `${acc}${pick(next, [';', '|'])}${term}`);
    try {
      out.push([text, q(text)]);
    } catch (error) {
      if (!isProblemDetails(error)) throw error;
    }
  }
  return out;
}

export function describeDifferentialContract(makeStore: MakeStore): void {
  describe('queryEntities against the exact filter on generated queries', () => {
    const next = random(20240501);
    const corpus = buildCorpus(next);
    const cases = expressions(next, 250);
    let sut: StoreUnderTest;
    before(async () => {
      sut = await makeStore();
      await seed(sut.store, TENANT, corpus);
    });
    after(() => sut.cleanup());

    it('queryEntities returns and counts what the exact filter selects, for every generated q', async () => {
      for (const [text, expr] of cases) {
        const request = query({ q: expr, count: true });
        const expected = expectedPage(corpus, request);
        const page = await sut.store.queryEntities(TENANT, request);
        assert.deepEqual(
          page.entities.map((e) => e.id),
          expected.ids,
          `q=${text}`,
        );
        assert.equal(page.totalCount, expected.totalCount, `count q=${text}`);
        const paged = await sut.store.queryEntities(TENANT, { ...request, limit: 2, offset: 1 });
        assert.deepEqual(
          paged.entities.map((e) => e.id),
          expected.ids.slice(1, 3),
          `page q=${text}`,
        );
      }
    });
  });
}
