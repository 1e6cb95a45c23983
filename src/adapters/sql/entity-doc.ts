/**
 * The stored text of an entity document, computed once per entity object. A write stores
 * an entity's document in its row and in the change log, and logs the document it
 * replaces: remembering the text of each (immutable) entity object spares serializing it
 * again, and the text an entity was read from is its previous document as stored.
 * Entities are never modified once built (mutations are pure), so the text stays right.
 */
import type { Entity } from '../../ngsi-ld/model.js';

const texts = new WeakMap<Entity, string>();

export function entityDoc(entity: Entity): string {
  let text = texts.get(entity);
  if (text === undefined) {
    text = JSON.stringify(entity);
    texts.set(entity, text);
  }
  return text;
}

/** Parses a stored document, remembering its text for a later write of the same entity. */
export function parseEntityDoc(text: string): Entity {
  const entity = JSON.parse(text) as Entity;
  texts.set(entity, text);
  return entity;
}
