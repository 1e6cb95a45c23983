import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isProblemDetails } from '../problem-details.js';
import { DEFAULT_VOCAB } from './core-context.js';
import { compactIri, compileContext, expandIri, type ResolvedContextPart } from './term-map.js';

const NGSI_LD = 'https://uri.etsi.org/ngsi-ld/';
const EX = 'https://example.org/';

function expand(parts: ResolvedContextPart[], term: string): string {
  return expandIri(compileContext(parts), term);
}

function compact(parts: ResolvedContextPart[], iri: string): string {
  return compactIri(compileContext(parts), iri);
}

function isBadRequestData(error: unknown): boolean {
  return (
    isProblemDetails(error) &&
    error.status === 400 &&
    error.type === 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData'
  );
}

describe('expandIri', () => {
  it('expandIri maps core terms to core IRIs when there is no user context (contexts.md §2)', () => {
    assert.equal(expand([], 'location'), `${NGSI_LD}location`);
    assert.equal(expand([], 'Property'), `${NGSI_LD}Property`);
    assert.equal(expand([], 'observedAt'), `${NGSI_LD}observedAt`);
    assert.equal(expand([], 'Point'), 'https://purl.org/geojson/vocab#Point');
    assert.equal(expand([], 'id'), '@id');
    assert.equal(expand([], 'type'), '@type');
  });

  it('expandIri puts undefined terms under the default context (contexts.md §2)', () => {
    assert.equal(expand([], 'Vehicle'), `${DEFAULT_VOCAB}Vehicle`);
    assert.equal(expand([{ speed: `${EX}speed` }], 'Vehicle'), `${DEFAULT_VOCAB}Vehicle`);
  });

  it('expandIri maps user terms given as strings or with @id', () => {
    const parts = [{ Vehicle: `${EX}Vehicle`, speed: { '@id': `${EX}speed` } }];
    assert.equal(expand(parts, 'Vehicle'), `${EX}Vehicle`);
    assert.equal(expand(parts, 'speed'), `${EX}speed`);
  });

  it('expandIri resolves compact IRIs in definitions when the prefix is defined later', () => {
    assert.equal(expand([{ speed: 'ex:speed', ex: EX }], 'speed'), `${EX}speed`);
  });

  it('expandIri expands prefix:suffix names through a defined prefix (contexts.md §3)', () => {
    assert.equal(expand([{ ex: EX }], 'ex:Thing'), `${EX}Thing`);
    assert.equal(expand([], 'ngsi-ld:Thing'), `${NGSI_LD}Thing`);
  });

  it('expandIri keeps absolute IRIs and unknown-prefix names unchanged (contexts.md §3)', () => {
    for (const iri of [`${EX}speed`, 'urn:ngsi-ld:Vehicle:A1', 'http://x.org/a', 'foo:bar']) {
      assert.equal(expand([{ ex: EX }], iri), iri);
    }
  });

  it('expandIri needs a prefix IRI ending in a delimiter or @prefix true (JSON-LD 1.1 4.2.2)', () => {
    assert.equal(expand([{ ex: 'https://example.org/ns' }], 'ex:foo'), 'ex:foo');
    const flagged = [{ ex: { '@id': 'https://example.org/ns', '@prefix': true } }];
    assert.equal(expand(flagged, 'ex:foo'), 'https://example.org/nsfoo');
  });

  it('expandIri resolves ngsi-ld: in user definitions through the core prefix', () => {
    assert.equal(expand([{ Vehicle: 'ngsi-ld:Vehicle' }], 'Vehicle'), `${NGSI_LD}Vehicle`);
  });

  it('expandIri uses a user @vocab only inside user definitions, the core @vocab otherwise', () => {
    const parts = [{ '@vocab': EX, speed: 'velocity', Car: 'Car', weight: { '@type': '@id' } }];
    assert.equal(expand(parts, 'speed'), `${EX}velocity`);
    assert.equal(expand(parts, 'Car'), `${EX}Car`);
    assert.equal(expand(parts, 'weight'), `${EX}weight`);
    // The core context comes last and its @vocab wins (NGSI-LD 5.5.7, contexts.md §2).
    assert.equal(expand(parts, 'colour'), `${DEFAULT_VOCAB}colour`);
  });

  it('expandIri applies context parts and nested arrays in order, later ones winning', () => {
    const parts = [[{ speed: `${EX}a` }, [{ speed: `${EX}b` }]], { colour: `${EX}c` }];
    assert.equal(expand(parts, 'speed'), `${EX}b`);
    assert.equal(expand(parts, 'colour'), `${EX}c`);
  });

  it('expandIri falls back to the default context when a later context sets a term to null', () => {
    assert.equal(
      expand([{ speed: `${EX}speed` }, { speed: null }], 'speed'),
      `${DEFAULT_VOCAB}speed`,
    );
    assert.equal(expand([{ speed: { '@id': null } }], 'speed'), `${DEFAULT_VOCAB}speed`);
  });

  it('expandIri forgets every user term after a null context (JSON-LD 1.1 4.1)', () => {
    const parts = [{ speed: `${EX}speed` }, null, { colour: `${EX}colour` }];
    assert.equal(expand(parts, 'speed'), `${DEFAULT_VOCAB}speed`);
    assert.equal(expand(parts, 'colour'), `${EX}colour`);
  });

  it('expandIri lets the core win over user redefinitions of type and location (contexts.md §2)', () => {
    const parts = [{ type: `${EX}kind`, location: `${EX}where`, Property: `${EX}P`, id: 'ex:id' }];
    assert.equal(expand(parts, 'type'), '@type');
    assert.equal(expand(parts, 'id'), '@id');
    assert.equal(expand(parts, 'location'), `${NGSI_LD}location`);
    assert.equal(expand(parts, 'Property'), `${NGSI_LD}Property`);
  });
});

describe('compileContext', () => {
  it('compileContext records @type coercions of user and core terms', () => {
    const { terms } = compileContext([
      {
        xsd: 'http://www.w3.org/2001/XMLSchema#',
        category: { '@id': `${EX}category`, '@type': '@vocab' },
        owner: { '@id': `${EX}owner`, '@type': '@id' },
        seen: { '@id': `${EX}seen`, '@type': 'xsd:dateTime' },
      },
    ]);
    assert.equal(terms.get('category')?.typeCoercion, '@vocab');
    assert.equal(terms.get('owner')?.typeCoercion, '@id');
    assert.equal(terms.get('seen')?.typeCoercion, 'http://www.w3.org/2001/XMLSchema#dateTime');
    assert.equal(terms.get('vocab')?.typeCoercion, '@vocab');
    assert.equal(terms.get('objectType')?.typeCoercion, '@vocab');
    assert.equal(terms.get('object')?.typeCoercion, '@id');
    assert.equal(terms.get('observedAt')?.typeCoercion, `${NGSI_LD}DateTime`);
  });

  it('compileContext rejects scoped contexts with BadRequestData (contexts.md §1)', () => {
    const scoped = { address: { '@id': `${EX}address`, '@context': { city: `${EX}city` } } };
    assert.throws(() => compileContext([scoped]), isBadRequestData);
  });

  it('compileContext rejects invalid context shapes with BadRequestData', () => {
    const invalid: unknown[] = [
      { speed: 42 },
      { speed: { '@id': 42 } },
      { speed: { '@id': `${EX}speed`, '@container': '@bag' } },
      { speed: { '@id': `${EX}speed`, '@type': 7 } },
      { speed: { '@id': `${EX}speed`, '@unknown': true } },
      { speed: { '@id': `${EX}speed`, '@prefix': 'yes' } },
      { '@vocab': 3 },
      { '@version': 1.0 },
      { '@id': 'https://example.org/id' },
      { '@import': 'https://example.org/ctx.jsonld' },
      { a: 'b', b: 'a' },
      { '': `${EX}empty` },
      { alias: '@context' },
      42,
      'https://example.org/not-resolved.jsonld',
    ];
    for (const part of invalid) {
      assert.throws(
        () => compileContext([part as ResolvedContextPart]),
        isBadRequestData,
        JSON.stringify(part),
      );
    }
  });

  it('compileContext accepts JSON-LD 1.1 context keywords it does not need', () => {
    const part = {
      '@version': 1.1,
      '@protected': true,
      '@base': null,
      '@language': 'en',
      '@direction': 'ltr',
      '@propagate': true,
      '@type': { '@container': '@set' },
      '@comment': 'keyword-like keys are ignored',
      name: { '@id': `${EX}name`, '@container': ['@language', '@set'], '@protected': true },
    };
    assert.equal(expandIri(compileContext([part]), 'name'), `${EX}name`);
  });
});

describe('compactIri', () => {
  it('compactIri returns core names for core IRIs (contexts.md §3)', () => {
    assert.equal(compact([], `${NGSI_LD}location`), 'location');
    assert.equal(compact([], `${NGSI_LD}observedAt`), 'observedAt');
    assert.equal(compact([], `${NGSI_LD}Property`), 'Property');
    assert.equal(compact([], `${NGSI_LD}hasObject`), 'object');
  });

  it('compactIri picks the shortest term, then the lexicographically smallest', () => {
    const parts = [
      { speedValue: `${EX}speed`, spd: `${EX}speed`, sp: `${EX}speed`, ab: `${EX}speed` },
    ];
    assert.equal(compact(parts, `${EX}speed`), 'ab');
  });

  it('compactIri round-trips default-context names with no user context (contexts.md §2)', () => {
    const compiled = compileContext([]);
    for (const name of ['Vehicle', 'speed', 'brand_name', 'a/b']) {
      assert.equal(compactIri(compiled, expandIri(compiled, name)), name);
    }
  });

  it('compactIri keeps the FQN when a default-context local part is a term for something else', () => {
    assert.equal(
      compact([{ speed: `${EX}speed` }], `${DEFAULT_VOCAB}speed`),
      `${DEFAULT_VOCAB}speed`,
    );
    assert.equal(compact([], `${DEFAULT_VOCAB}location`), `${DEFAULT_VOCAB}location`);
    assert.equal(compact([], `${DEFAULT_VOCAB}id`), `${DEFAULT_VOCAB}id`);
    assert.equal(compact([], `${DEFAULT_VOCAB}a:b`), `${DEFAULT_VOCAB}a:b`);
  });

  it('compactIri returns the FQN when no term matches, never a compact IRI (contexts.md §3)', () => {
    assert.equal(compact([{ ex: EX }], `${EX}speed`), `${EX}speed`);
    assert.equal(compact([], 'urn:x:y'), 'urn:x:y');
  });

  it('compactIri does not compact to a user term the core overrode', () => {
    const parts = [{ location: `${EX}where` }];
    assert.equal(compact(parts, `${EX}where`), `${EX}where`);
    assert.equal(compact(parts, `${NGSI_LD}location`), 'location');
  });

  it('compactIri compacts user IRIs to their terms and they expand back', () => {
    const compiled = compileContext([{ ex: EX, Vehicle: 'ex:Vehicle', 'ex:speed': {} }]);
    assert.equal(compactIri(compiled, `${EX}Vehicle`), 'Vehicle');
    assert.equal(compactIri(compiled, `${EX}speed`), 'ex:speed');
    assert.equal(expandIri(compiled, 'ex:speed'), `${EX}speed`);
  });
});
