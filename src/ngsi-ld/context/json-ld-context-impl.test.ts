import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CORE_CONTEXT_URL, DEFAULT_VOCAB } from './core-context.js';
import { CORE_JSON_LD_CONTEXT, createJsonLdContext } from './json-ld-context-impl.js';
import { compileContext } from './term-map.js';

const EX = 'https://example.org/';

describe('createJsonLdContext', () => {
  it('CORE_JSON_LD_CONTEXT points body and Link at the core context URL (contexts.md §4)', () => {
    assert.equal(CORE_JSON_LD_CONTEXT.bodyContext, CORE_CONTEXT_URL);
    assert.equal(CORE_JSON_LD_CONTEXT.linkUrl, CORE_CONTEXT_URL);
    assert.equal(CORE_JSON_LD_CONTEXT.expandTerm('speed'), `${DEFAULT_VOCAB}speed`);
    assert.equal(CORE_JSON_LD_CONTEXT.compactIri(`${DEFAULT_VOCAB}speed`), 'speed');
  });

  it('createJsonLdContext expands and compacts through the compiled terms, memo or not', () => {
    const context = createJsonLdContext(compileContext([{ ex: EX, Vehicle: 'ex:Vehicle' }]), {
      bodyContext: [{ ex: EX, Vehicle: 'ex:Vehicle' }, CORE_CONTEXT_URL],
      linkUrl: 'https://broker.example/ngsi-ld/v1/jsonldContexts/1',
    });
    for (let round = 0; round < 2; round++) {
      assert.equal(context.expandTerm('Vehicle'), `${EX}Vehicle`);
      assert.equal(context.expandTerm('ex:speed'), `${EX}speed`);
      assert.equal(context.expandTerm('colour'), `${DEFAULT_VOCAB}colour`);
      assert.equal(context.compactIri(`${EX}Vehicle`), 'Vehicle');
      assert.equal(context.compactIri(`${EX}speed`), `${EX}speed`);
    }
    assert.equal(context.linkUrl, 'https://broker.example/ngsi-ld/v1/jsonldContexts/1');
  });

  it('createJsonLdContext stays correct when more names than the memo holds are expanded', () => {
    const context = createJsonLdContext(compileContext([]), {
      bodyContext: CORE_CONTEXT_URL,
      linkUrl: CORE_CONTEXT_URL,
    });
    for (let i = 0; i < 1500; i++) {
      assert.equal(context.expandTerm(`name${i}`), `${DEFAULT_VOCAB}name${i}`);
    }
    assert.equal(context.expandTerm('name3'), `${DEFAULT_VOCAB}name3`);
  });
});
