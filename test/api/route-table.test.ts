import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ngsiLdRouteTable } from '../../src/app.js';
import * as problems from '../../src/ngsi-ld/problem-details.js';
import { NGSI, createTestApp, type TestApp } from '../support/test-app.js';

describe('The NGSI-LD route table', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const routes = ngsiLdRouteTable({
    entities: {} as never,
    contexts: {} as never,
    subscriptions: {} as never,
    temporal: {} as never,
    paging: { defaultPageSize: 20, maxPageSize: 1000 },
  });

  it('every route declares its action and clause', () => {
    for (const route of routes) {
      assert.match(route.action, /^[a-z]+:[a-z]+$/, `${route.method} ${route.url}`);
      assert.match(route.clause, /^\d+(\.\d+)+$/, `${route.method} ${route.url}`);
    }
  });

  it('the OpenAPI document lists every route with its action', async () => {
    const res = await t.request({ method: 'GET', url: `${NGSI}/openapi.json` });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    for (const route of routes) {
      const path = `${NGSI}${route.url.replace(/:(\w+)/g, '{$1}')}`;
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${path} missing from the OpenAPI document`);
      assert.equal(operation['x-civis-action'], route.action);
    }
  });

  it('every error of the catalogue is documented in docs/errors.md', () => {
    const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const [name, factory] of Object.entries(problems)) {
      if (typeof factory !== 'function' || name === 'ProblemDetails' || name === 'isProblemDetails')
        continue;
      const problem = (factory as (detail: string) => problems.ProblemDetails)('x');
      const shortType = problem.type.split('/').pop() as string;
      assert.ok(
        docs.includes(shortType),
        `${shortType} (${name}) is not documented in docs/errors.md`,
      );
      assert.ok(
        docs.includes(String(problem.status)),
        `status ${problem.status} is not documented`,
      );
    }
  });
});
