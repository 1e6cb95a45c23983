/**
 * What the Device entities say about device health, read for the monitor: each device's
 * vocabulary (its @context's expansion of the health terms) and, per tenant, the stored
 * dateLastValueReported, deviceState and messageCount, READ_CHUNK ids per query, and which
 * entities are stale (the deviceState filter runs in the store).
 */
import type { Logger } from 'pino';
import type { EntityService } from '../../context/entity.service.js';
import type { QExpr } from '../../ngsi-ld/query/query.types.js';
import type { JsonLdContextService } from '../../context/json-ld-context.service.js';
import {
  healthVocabulary,
  readDeviceHealth,
  type HealthVocabulary,
  type StoredDeviceHealth,
} from './device-health.entities.js';
import type { DeviceHealthEntry } from './device-health.tracker.js';

const READ_CHUNK = 200;

export function createDeviceHealthReader(deps: {
  entities: Pick<EntityService, 'queryEntities'>;
  contexts: Pick<JsonLdContextService, 'resolve'>;
  log: Pick<Logger, 'warn'>;
}) {
  const { entities, log } = deps;

  /** Each device's vocabulary; devices whose @context cannot be resolved now are left out. */
  async function vocabularies(
    entries: readonly DeviceHealthEntry[],
  ): Promise<Map<DeviceHealthEntry, HealthVocabulary>> {
    const byContext = new Map<string | undefined, HealthVocabulary | undefined>();
    for (const url of new Set(entries.map((entry) => entry.ldContext))) {
      try {
        byContext.set(url, healthVocabulary(await deps.contexts.resolve(url)));
      } catch (error) {
        log.warn({ err: error, ldContext: url }, 'A device @context is not available; retrying');
      }
    }
    const result = new Map<DeviceHealthEntry, HealthVocabulary>();
    for (const entry of entries) {
      const vocabulary = byContext.get(entry.ldContext);
      if (vocabulary !== undefined) result.set(entry, vocabulary);
    }
    return result;
  }

  /** The Device entities' health, by entity id (absent: no Device entity). */
  async function readStored(
    tenant: string,
    vocabulary: ReadonlyMap<DeviceHealthEntry, HealthVocabulary>,
  ): Promise<Map<string, StoredDeviceHealth>> {
    const byId = new Map([...vocabulary].map(([entry, v]) => [entry.entityId, v]));
    const ids = [...byId.keys()];
    const stored = new Map<string, StoredDeviceHealth>();
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      const chunk = ids.slice(i, i + READ_CHUNK);
      const page = await entities.queryEntities(tenant, {
        ids: chunk,
        limit: chunk.length,
        offset: 0,
        count: false,
      });
      for (const entity of page.entities) {
        const v = byId.get(entity.id);
        if (v !== undefined) stored.set(entity.id, readDeviceHealth(entity, v));
      }
    }
    return stored;
  }

  /** Ids of the tenant's entities whose deviceState (in any of the vocabularies) is stale. */
  async function readStaleIds(
    tenant: string,
    vocabularies: Iterable<HealthVocabulary>,
  ): Promise<Set<string>> {
    const terms: QExpr[] = [...new Set([...vocabularies].map((v) => v.deviceState))].map(
      (attr) => ({
        kind: 'term',
        path: { attr, subAttrs: [], text: 'deviceState' },
        op: '==',
        value: { kind: 'scalar', scalar: { type: 'string', value: 'stale' } },
      }),
    );
    const ids = new Set<string>();
    if (terms.length === 0) return ids;
    const q: QExpr = terms.length === 1 && terms[0] ? terms[0] : { kind: 'or', terms };
    for (let offset = 0; ; offset += READ_CHUNK) {
      const page = await entities.queryEntities(tenant, {
        q,
        limit: READ_CHUNK,
        offset,
        count: false,
      });
      for (const entity of page.entities) ids.add(entity.id);
      if (page.entities.length < READ_CHUNK) return ids;
    }
  }

  return { vocabularies, readStored, readStaleIds };
}

export type DeviceHealthReader = ReturnType<typeof createDeviceHealthReader>;
