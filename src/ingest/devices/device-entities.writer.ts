/**
 * Writes the NGSI-LD entities of provisioned devices (device-entities.ts) through the entity
 * service: `plan` parses every document first (a bad one is 400 before anything is
 * written), `write` upserts them and adds the command attributes; when that fails, the
 * entities the write created are deleted again, so that provisioning stays all or nothing.
 */
import type { Logger } from 'pino';
import type {
  BatchOperationResult,
  EntityService,
  ParsedEntity,
} from '../../context/entity.service.js';
import type { JsonLdContextService } from '../../context/json-ld-context.service.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import type { EntityFragment } from '../../ngsi-ld/entity/entity-fragment.js';
import { parseEntity, parseEntityFragment } from '../../ngsi-ld/entity/entity-parser.js';
import type { Device, ServiceGroup } from './device.model.js';
import { deviceEntityDocuments, staticAttributeJson } from './device-entities.js';
import { foldDevice } from './provisioned-device.js';

export interface EntityWrites {
  upserts: ParsedEntity[];
  commands: Array<{ id: string; input: EntityFragment }>;
}

export interface DeviceEntitiesWriterDeps {
  entities: Pick<EntityService, 'batchUpsert' | 'batchUpdate' | 'batchDelete'>;
  contexts: Pick<JsonLdContextService, 'resolve'>;
  log?: Pick<Logger, 'error'>;
}

export function createDeviceEntitiesWriter(deps: DeviceEntitiesWriterDeps) {
  const { entities } = deps;
  const resolveContext = (url: string | undefined) => deps.contexts.resolve(url);

  /** A group's static attributes must make valid attributes under its @context. */
  async function checkGroup(group: ServiceGroup): Promise<void> {
    const context = await resolveContext(group.ldContext);
    const probe: Record<string, unknown> = { id: 'urn:ngsi-ld:Probe:1', type: 'Probe' };
    group.static_attributes?.forEach((attribute, i) => {
      probe[attribute.name] = staticAttributeJson(attribute, `static_attributes[${i}]`);
    });
    parseEntity(probe, context);
  }

  /** Parses every entity document before anything is written (a bad one is 400). */
  async function plan(
    resolved: Array<{ device: Device; group: ServiceGroup | undefined }>,
    initial: boolean,
  ): Promise<EntityWrites> {
    const contexts = new Map<string | undefined, Promise<JsonLdContext>>();
    const upserts = new Map<string, ParsedEntity>();
    const commands = new Map<string, EntityFragment>();
    for (const { device, group } of resolved) {
      const provisioned = foldDevice(device, group);
      let context = contexts.get(provisioned.ldContext);
      if (context === undefined) {
        context = resolveContext(provisioned.ldContext);
        contexts.set(provisioned.ldContext, context);
      }
      const ctx = await context;
      const docs = deviceEntityDocuments(provisioned, { initial });
      for (const parsed of [parseEntity(docs.device, ctx), parseEntity(docs.measurement, ctx)]) {
        const previous = upserts.get(parsed.id);
        upserts.set(
          parsed.id,
          previous === undefined
            ? parsed
            : {
                ...parsed,
                type: [...new Set([...previous.type, ...parsed.type])],
                attrs: { ...previous.attrs, ...parsed.attrs },
              },
        );
      }
      if (docs.commands !== undefined) {
        const fragment = parseEntityFragment(docs.commands, ctx, { allowNull: false });
        const previous = commands.get(device.entity_name);
        commands.set(device.entity_name, {
          attrs: { ...previous?.attrs, ...fragment.attrs },
        });
      }
    }
    return {
      upserts: [...upserts.values()],
      commands: [...commands].map(([id, input]) => ({ id, input })),
    };
  }

  /** Writes the entities; on failure, deletes again those this call created, then throws. */
  async function write(tenant: string, writes: EntityWrites): Promise<void> {
    const upserted = await entities.batchUpsert(
      tenant,
      writes.upserts.map((input) => ({ id: input.id, input })),
      'update',
    );
    try {
      throwFirstError(upserted);
      // Commands are added where missing: a status already reported stays.
      if (writes.commands.length > 0)
        throwFirstError(await entities.batchUpdate(tenant, writes.commands, true));
    } catch (error) {
      await removeCreated(tenant, upserted.created);
      throw error;
    }
  }

  /** Best effort: what cannot be deleted is logged for an operator. */
  async function removeCreated(tenant: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      const result = await entities.batchDelete(
        tenant,
        ids.map((id) => ({ id, input: id })),
      );
      if (result.errors.length > 0) throw result.errors[0]?.error;
    } catch (error) {
      deps.log?.error(
        { err: error, tenant, entities: ids.slice(0, 20) },
        'Entities of a failed provisioning could not be deleted again',
      );
    }
  }

  return { checkGroup, plan, write };
}

function throwFirstError(result: BatchOperationResult): void {
  const failed = result.errors[0];
  if (failed !== undefined) throw failed.error;
}
