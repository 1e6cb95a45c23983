/**
 * Pure semantics of the NGSI-LD write operations on one entity (NGSI-LD 5.6, entities.md).
 * Every function takes the current entity and returns a new one; inputs are never mutated.
 */
export { appendAttributes, type AppendOptions } from './append-attributes.js';
export {
  deleteAttribute,
  deleteScope,
  type DeleteAttributeOptions,
  type DeleteScopeOptions,
} from './delete-attribute.js';
export {
  createEntityState,
  replaceEntity,
  upsertEntity,
  type ParsedEntity,
  type ReplaceEntityOptions,
  type UpsertOptions,
  type UpsertOutcome,
} from './entity-state.js';
export { SCOPE_IRI } from './entity-members.js';
export { applyMergePatch } from './merge-attribute.js';
export { mergeEntity, type MergeOptions } from './merge-entity.js';
export {
  partialAttributeUpdate,
  type PartialAttributeUpdateOptions,
} from './partial-attribute-update.js';
export { replaceAttribute, type ReplaceAttributeOptions } from './replace-attribute.js';
export { updateAttributes, type UpdateOptions } from './update-attributes.js';
export type { NotUpdatedDetails, UpdateResult, WriteOutcome } from './update-result.js';
