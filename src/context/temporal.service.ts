/**
 * The context service for the temporal API (NGSI-LD 5.6.11–5.6.16, 5.7.3, 5.7.4;
 * temporal.md): writes of the temporal evolution of entities and its reads. The history is
 * a view of its own: writes here record instances without changing the current state of
 * entities (temporal.md §4 leaves this open; Stellio keeps the two apart likewise), while
 * every change of the current state is recorded by the entity store (temporal.md §5).
 */
import type { Attribute } from '../ngsi-ld/model.js';
import { badRequestData, resourceNotFound } from '../ngsi-ld/problem-details.js';
import type { TemporalEntityInput } from '../ngsi-ld/temporal/temporal-entity-parser.js';
import type {
  AttributeDeletion,
  EntityHistory,
  HistoryPage,
  HistoryQuery,
  HistoryReadOptions,
  HistoryStore,
} from './ports/history-store.port.js';

export interface TemporalServiceDeps {
  history: HistoryStore;
  clock: () => Date;
}

export function createTemporalService(deps: TemporalServiceDeps) {
  const { history } = deps;
  const now = () => deps.clock().toISOString();
  const notFound = (id: string) => resourceNotFound(`Entity ${id} has no temporal evolution`, id);

  return {
    // NGSI-LD 5.6.11: 'created' for a new entity (201), 'appended' otherwise (204).
    async upsertTemporalEntity(
      tenant: string,
      input: TemporalEntityInput & { id: string },
    ): Promise<'created' | 'appended'> {
      const outcome = await history.appendInstances(
        tenant,
        { id: input.id, type: input.type, scope: input.scope, attrs: input.attrs },
        { at: now(), create: true, createTenant: true },
      );
      return outcome === 'created' ? 'created' : 'appended';
    },

    // NGSI-LD 5.6.12
    async addAttributes(tenant: string, id: string, input: TemporalEntityInput): Promise<void> {
      if (input.id !== undefined && input.id !== id)
        throw badRequestData(
          `The body's id ${input.id} differs from the entity id ${id} in the path`,
        );
      const outcome = await history.appendInstances(
        tenant,
        { id, type: input.type, scope: input.scope, attrs: input.attrs },
        { at: now(), create: false, createTenant: false },
      );
      if (outcome === 'notFound') throw notFound(id);
    },

    // NGSI-LD 5.6.13
    async deleteAttribute(
      tenant: string,
      id: string,
      attr: string,
      which: AttributeDeletion,
    ): Promise<void> {
      const outcome = await history.deleteAttribute(tenant, id, attr, which);
      if (outcome === 'noEntity') throw notFound(id);
      if (outcome === 'noAttribute')
        throw resourceNotFound(`Entity ${id} has no history of attribute ${attr}`, id);
    },

    // NGSI-LD 5.6.14
    async modifyInstance(
      tenant: string,
      id: string,
      attr: string,
      instanceId: string,
      instance: Attribute,
    ): Promise<void> {
      if (!(await history.modifyInstance(tenant, id, attr, instanceId, instance, now())))
        throw instanceNotFound(id, attr, instanceId);
    },

    // NGSI-LD 5.6.15
    async deleteInstance(
      tenant: string,
      id: string,
      attr: string,
      instanceId: string,
    ): Promise<void> {
      if (!(await history.deleteInstance(tenant, id, attr, instanceId)))
        throw instanceNotFound(id, attr, instanceId);
    },

    // NGSI-LD 5.6.16
    async deleteTemporalEntity(tenant: string, id: string): Promise<void> {
      if (!(await history.deleteEntity(tenant, id))) throw notFound(id);
    },

    // NGSI-LD 5.7.3
    async retrieveTemporalEntity(
      tenant: string,
      id: string,
      options: HistoryReadOptions,
    ): Promise<EntityHistory> {
      const found = await history.retrieveHistory(tenant, id, options);
      if (found === undefined) throw notFound(id);
      return found;
    },

    // NGSI-LD 5.7.4
    queryTemporalEntities(tenant: string, query: HistoryQuery): Promise<HistoryPage> {
      return history.queryHistory(tenant, query);
    },
  };
}

function instanceNotFound(id: string, attr: string, instanceId: string) {
  return resourceNotFound(
    `Entity ${id} has no instance ${instanceId} of attribute ${attr}`,
    instanceId,
  );
}

export type TemporalService = ReturnType<typeof createTemporalService>;
