/**
 * Create Subscription and Update Subscription bodies (NGSI-LD 5.8.1, 5.8.2;
 * subscriptions.md §2, §3, §5) → the Subscription Civis stores. Names are expanded with
 * the request's @context; the names used in q and type selections are recorded in `terms`,
 * per member.
 */
import { NOTIFICATION_TRIGGERS, type NotificationTrigger } from '../change/entity-change-events.js';
import type { JsonLdContext } from '../context/json-ld-context.js';
import {
  assertAttributeName,
  assertDateTime,
  assertUri,
  isAbsoluteUri,
  isValidTypeName,
} from '../entity/names.js';
import { parseLanguagePreference } from '../entity/language-filter.js';
import { parseGeoQuery } from '../geo/geo-query-parser.js';
import { NGSI_LD_NULL, type JsonValue } from '../model.js';
import { badRequestData } from '../problem-details.js';
import { compileIdPattern } from '../query/id-pattern.js';
import { qTexts } from '../query/q-evaluator.js';
import { parseQ } from '../query/q-parser.js';
import { parseScopeQuery } from '../query/scope-query.js';
import { parseTypeSelector } from '../query/type-selector.js';
import {
  checkMemberNames,
  expectBoolean,
  expectList,
  expectObject,
  expectPositiveNumber,
  expectString,
  expectStringList,
} from './member-checks.js';
import { parseNotificationParams } from './notification-params-parser.js';
import type { EndpointParseOptions } from './endpoint-parser.js';
import type {
  Subscription,
  SubscriptionEntitySelector,
  SubscriptionGeoQuery,
  SubscriptionTerms,
} from './subscription.js';

export const SUBSCRIPTION_ID_PREFIX = 'urn:ngsi-ld:Subscription:';

const DEFINITION_MEMBERS = [
  'subscriptionName',
  'name',
  'description',
  'entities',
  'watchedAttributes',
  'notificationTrigger',
  'q',
  'geoQ',
  'scopeQ',
  'datasetId',
  'localOnly',
  'isActive',
  'expiresAt',
  'throttling',
  'timeInterval',
  'lang',
  'jsonldContext',
  'notification',
] as const;
type DefinitionMember = (typeof DEFINITION_MEMBERS)[number];
const TOP_LEVEL_MEMBERS = [
  'id',
  'type',
  '@context',
  ...DEFINITION_MEMBERS,
  // Read-only (5.2.12): ignored when a client sends a retrieved subscription back.
  'status',
  'createdAt',
  'modifiedAt',
];
/** Registration-related or linked-entity members Civis does not build (Stellio: 501 too). */
const UNSUPPORTED_MEMBERS = ['csf', 'temporalQ', 'expandValues', 'jsonKeys'];
/** Members an update may remove with the NGSI-LD Null: all but isActive and notification. */
const REMOVABLE: ReadonlySet<string> = new Set(
  DEFINITION_MEMBERS.filter((member) => member !== 'isActive' && member !== 'notification'),
);
const GEOQ_MEMBERS = ['geometry', 'coordinates', 'georel', 'geoproperty'];
const SELECTOR_MEMBERS = ['id', 'idPattern', 'type'];

export interface SubscriptionParseOptions extends EndpointParseOptions {
  /** The request's @context: expands names, and is kept to compact notifications. */
  context: JsonLdContext;
  now: Date;
}

/** The members an update sets (already checked one by one) and those it removes. */
export interface SubscriptionPatch {
  members: Partial<Subscription>;
  removed: Array<keyof Subscription>;
  /** The terms of the members given (all of them: a member's terms are replaced whole). */
  terms: SubscriptionTerms;
}

/** NGSI-LD 5.8.1: a whole Subscription; `newId` names it when the body has no id. */
export function parseSubscription(
  body: unknown,
  options: SubscriptionParseOptions & { newId: () => string },
): Subscription {
  const input = expectObject(body, 'The subscription');
  checkMemberNames(input, 'Subscription', TOP_LEVEL_MEMBERS, UNSUPPORTED_MEMBERS);
  checkType(input['type']);
  const id =
    input['id'] === undefined ? options.newId() : assertUri(input['id'], 'Subscription id');
  if (input['notification'] === undefined)
    throw badRequestData('Subscription: notification is missing');
  const patch = parseMembers(input, options, 'create');
  const now = options.now.toISOString();
  const subscription: Subscription = {
    id,
    isActive: true,
    ...(patch.members as Pick<Subscription, 'notification'>),
    terms: patch.terms,
    context: options.context.bodyContext,
    createdAt: now,
    modifiedAt: now,
  };
  checkCombination(subscription);
  return subscription;
}

/** NGSI-LD 5.8.2: a fragment; `id` and `type`, when given, must match. */
export function parseSubscriptionPatch(
  body: unknown,
  id: string,
  options: SubscriptionParseOptions,
): SubscriptionPatch {
  const input = expectObject(body, 'The subscription fragment');
  checkMemberNames(input, 'Subscription', TOP_LEVEL_MEMBERS, UNSUPPORTED_MEMBERS);
  if (input['type'] !== undefined) checkType(input['type']);
  if (input['id'] !== undefined && input['id'] !== id)
    throw badRequestData(`The fragment's id ${String(input['id'])} differs from ${id}`);
  const patch = parseMembers(input, options, 'update');
  if (Object.keys(patch.members).length === 0 && patch.removed.length === 0)
    throw badRequestData('The subscription fragment changes nothing');
  return patch;
}

/**
 * The subscription after an update (subscriptions.md §5): each given member replaces the
 * stored one as a whole; the result is checked again as a whole.
 */
export function applySubscriptionPatch(
  stored: Subscription,
  patch: SubscriptionPatch,
  now: Date,
): Subscription {
  const terms: SubscriptionTerms = { ...stored.terms, ...patch.terms };
  const next: Subscription = {
    ...stored,
    ...patch.members,
    terms,
    modifiedAt: now.toISOString(),
  };
  for (const member of patch.removed) {
    delete next[member];
    if (member === 'entities' || member === 'q') delete terms[member];
  }
  checkCombination(next);
  return next;
}

function checkType(type: unknown): void {
  if (type === undefined) throw badRequestData('Subscription: type is missing');
  if (type !== 'Subscription')
    throw badRequestData(`Subscription: type must be "Subscription", got ${JSON.stringify(type)}`);
}

function parseMembers(
  input: Record<string, unknown>,
  options: SubscriptionParseOptions,
  mode: 'create' | 'update',
): SubscriptionPatch {
  const members: Partial<Subscription> = {};
  const removed: Array<keyof Subscription> = [];
  const terms: SubscriptionTerms = {};
  for (const name of DEFINITION_MEMBERS) {
    const value = input[name];
    if (value === undefined) continue;
    if (value === NGSI_LD_NULL && mode === 'update' && REMOVABLE.has(name)) {
      removed.push(name === 'name' ? 'subscriptionName' : name);
      continue;
    }
    const memberTerms: Record<string, string> = {};
    const expand = (term: string): string => {
      const iri = options.context.expandTerm(term);
      memberTerms[term] = iri;
      return iri;
    };
    Object.assign(members, parseMember(name, value, options, expand));
    if (name === 'entities' || name === 'q') terms[name] = memberTerms;
  }
  return { members, removed, terms };
}

function parseMember(
  name: DefinitionMember,
  value: unknown,
  options: SubscriptionParseOptions,
  expand: (term: string) => string,
): Partial<Subscription> {
  switch (name) {
    case 'subscriptionName':
    case 'name':
      // Orion-LD's tests send the legacy `name`; it is kept as subscriptionName.
      return { subscriptionName: expectString(value, name) };
    case 'description':
      return { description: expectString(value, 'description') };
    case 'entities':
      return {
        entities: expectList(value, 'entities').map((item, i) =>
          parseSelector(item, `entities[${i}]`, expand),
        ),
      };
    case 'watchedAttributes':
      return {
        watchedAttributes: [
          ...new Set(
            expectStringList(value, 'watchedAttributes').map((attr, i) => {
              assertAttributeName(attr, `watchedAttributes[${i}]`);
              return options.context.expandTerm(attr);
            }),
          ),
        ],
      };
    case 'notificationTrigger':
      return { notificationTrigger: parseTriggers(value) };
    case 'q': {
      const text = expectString(value, 'q');
      const tree = parseQ(text, expand);
      // Text values compared with a VocabProperty are terms too (query.md §2.3).
      for (const term of qTexts(tree)) if (isValidTypeName(term)) expand(term);
      return { q: text };
    }
    case 'geoQ':
      return { geoQ: parseSubscriptionGeoQuery(value, options.context) };
    case 'scopeQ': {
      const text = expectString(value, 'scopeQ');
      parseScopeQuery(text);
      return { scopeQ: text };
    }
    case 'datasetId':
      return {
        datasetId: expectStringList(value, 'datasetId').map((datasetId, i) => {
          if (datasetId !== '@none' && !isAbsoluteUri(datasetId))
            throw badRequestData(`datasetId[${i}] must be an absolute URI or @none`);
          return datasetId;
        }),
      };
    case 'localOnly':
      return { localOnly: expectBoolean(value, 'localOnly') };
    case 'isActive':
      return { isActive: expectBoolean(value, 'isActive') };
    case 'expiresAt': {
      const expiresAt = assertDateTime(value, 'expiresAt');
      if (Date.parse(expiresAt) <= options.now.getTime())
        throw badRequestData(`expiresAt ${expiresAt} is not in the future`);
      return { expiresAt };
    }
    case 'throttling':
      return { throttling: expectPositiveNumber(value, 'throttling') };
    case 'timeInterval':
      return { timeInterval: expectPositiveNumber(value, 'timeInterval') };
    case 'lang': {
      const lang = expectString(value, 'lang');
      parseLanguagePreference(lang);
      return { lang };
    }
    case 'jsonldContext':
      return { jsonldContext: assertUri(expectString(value, 'jsonldContext'), 'jsonldContext') };
    case 'notification':
      return { notification: parseNotificationParams(value, options) };
  }
}

function parseSelector(
  value: unknown,
  where: string,
  expand: (term: string) => string,
): SubscriptionEntitySelector {
  const input = expectObject(value, where);
  checkMemberNames(input, where, SELECTOR_MEMBERS);
  if (input['type'] === undefined) throw badRequestData(`${where}: type is missing`);
  const type = expectString(input['type'], `${where}.type`);
  parseTypeSelector(type, expand);
  const selector: SubscriptionEntitySelector = { type };
  if (input['id'] !== undefined) selector.id = assertUri(input['id'], `${where}.id`);
  if (input['idPattern'] !== undefined) {
    const idPattern = expectString(input['idPattern'], `${where}.idPattern`);
    compileIdPattern(idPattern);
    selector.idPattern = idPattern;
  }
  return selector;
}

function parseTriggers(value: unknown): NotificationTrigger[] {
  return [
    ...new Set(
      expectStringList(value, 'notificationTrigger').map((trigger) => {
        if (!(NOTIFICATION_TRIGGERS as readonly string[]).includes(trigger))
          throw badRequestData(
            `notificationTrigger: unknown trigger '${trigger}'; expected ${NOTIFICATION_TRIGGERS.join(', ')}`,
          );
        return trigger as NotificationTrigger;
      }),
    ),
  ];
}

function parseSubscriptionGeoQuery(value: unknown, context: JsonLdContext): SubscriptionGeoQuery {
  const input = expectObject(value, 'geoQ');
  checkMemberNames(input, 'geoQ', GEOQ_MEMBERS);
  for (const member of ['geometry', 'coordinates', 'georel'])
    if (input[member] === undefined) throw badRequestData(`geoQ: ${member} is missing`);
  const geometry = expectString(input['geometry'], 'geoQ.geometry');
  const georel = expectString(input['georel'], 'geoQ.georel');
  const coordinates = input['coordinates'];
  if (typeof coordinates !== 'string' && !Array.isArray(coordinates))
    throw badRequestData('geoQ.coordinates must be a JSON array or its text');
  const geoproperty =
    input['geoproperty'] === undefined
      ? undefined
      : expectString(input['geoproperty'], 'geoQ.geoproperty');
  const parsed = parseGeoQuery({ georel, geometry, coordinates, geoproperty }, (term) =>
    context.expandTerm(term),
  );
  const geoQ: SubscriptionGeoQuery = {
    geometry,
    coordinates: coordinates as JsonValue,
    georel,
  };
  if (geoproperty !== undefined && parsed) geoQ.geoproperty = parsed.geoproperty;
  return geoQ;
}

/** Rules between members (subscriptions.md §3), checked on the whole subscription. */
function checkCombination(subscription: Subscription): void {
  const { entities, watchedAttributes, timeInterval, throttling } = subscription;
  if (entities === undefined && watchedAttributes === undefined && subscription.localOnly !== true)
    throw badRequestData('A subscription needs entities or watchedAttributes');
  if (timeInterval !== undefined) {
    if (watchedAttributes !== undefined)
      throw badRequestData('timeInterval cannot be combined with watchedAttributes');
    if (throttling !== undefined)
      throw badRequestData('timeInterval cannot be combined with throttling');
    if (entities === undefined) throw badRequestData('timeInterval needs entities');
  }
}
