/**
 * Child process of sqlite-durability.test.ts: creates entities one batch at a time in the
 * SQLite file given as argument and prints the number of each batch once mutate resolved
 * (acknowledged), until it is killed.
 */
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { entity, prop, put } from './entity-store.fixtures.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: sqlite-durability.child.ts <database file>');
const { entityStore } = createSqliteStores({ path });
for (let i = 0; ; i++) {
  await entityStore.mutate('', [put(entity(`urn:ngsi-ld:Thing:${i}`, 'Thing', { n: prop(i) }))], {
    createTenant: false,
  });
  // A pipe write on Linux is synchronous: once written, the parent may see it.
  process.stdout.write(`${i}\n`);
}
