// The only file in src/ngsi-ld that reads a file: it proves the bundled constant is the
// published document (the module under test stays pure).
// eslint-disable-next-line no-restricted-imports -- tests may read fixture files
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CORE_CONTEXT_DOCUMENT, CORE_CONTEXT_URL, isCoreContextUrl } from './core-context.js';

describe('core context', () => {
  it('CORE_CONTEXT_DOCUMENT deep-equals core-context/ngsi-ld-core-context-v1.9.jsonld', () => {
    const path = new URL('./core-context/ngsi-ld-core-context-v1.9.jsonld', import.meta.url);
    assert.deepEqual(CORE_CONTEXT_DOCUMENT, JSON.parse(readFileSync(path, 'utf8')));
  });

  it('isCoreContextUrl recognises every 1.x core context URL (contexts.md §1)', () => {
    for (const url of [
      CORE_CONTEXT_URL,
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
      'http://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.0.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.3.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.1.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.10.jsonld',
    ]) {
      assert.equal(isCoreContextUrl(url), true, url);
    }
  });

  it('isCoreContextUrl rejects other URLs', () => {
    for (const url of [
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v2.0.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld?x=1',
      'https://example.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.jsonld',
      'ftp://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
      'https://uri.etsi.org/ngsi-ld/default-context/',
    ]) {
      assert.equal(isCoreContextUrl(url), false, url);
    }
  });
});
