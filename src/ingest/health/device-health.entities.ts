/**
 * The NGSI-LD side of device health, pure: the attributes written on a device's `Device`
 * entity (Smart Data Models dataModel.Device: dateLastValueReported, deviceState, plus
 * messageCount) and the Smart Data Models `Alert` raised while a device is stale. Like the
 * Device entity itself (devices/device-entities.ts), their names are the device's @context
 * terms, expanded with it, so that both land on the same attributes.
 */
import type { ParsedEntity } from '../../context/entity.service.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import type { EntityFragment } from '../../ngsi-ld/entity/entity-fragment.js';
import type { Attribute, Entity, JsonValue } from '../../ngsi-ld/model.js';
import { deviceEntityId } from '../devices/device-entities.js';

const TERMS = [
  'dateLastValueReported',
  'deviceState',
  'messageCount',
  'Alert',
  'alertSource',
  'category',
  'subCategory',
  'dateIssued',
  'severity',
  'description',
  'validFrom',
  'validTo',
] as const;

/** The expanded IRIs of the health terms under one device @context. */
export type HealthVocabulary = Record<(typeof TERMS)[number], string>;

export function healthVocabulary(context: Pick<JsonLdContext, 'expandTerm'>): HealthVocabulary {
  return Object.fromEntries(
    TERMS.map((term) => [term, context.expandTerm(term)]),
  ) as HealthVocabulary;
}

export type DeviceState = 'ok' | 'stale';

export const STALE_ALERT = {
  category: 'technical',
  subCategory: 'deviceNotReporting',
  severity: 'medium',
} as const;

/** One id per device: every stale episode reuses it, so instances never raise duplicates. */
export function staleAlertId(deviceId: string): string {
  return `urn:ngsi-ld:Alert:device-stale:${deviceId}`;
}

/** What a Device entity says about its health (other instances and earlier runs wrote it). */
export interface StoredDeviceHealth {
  lastReportedMs?: number;
  state?: string;
  messageCount?: number;
}

export function readDeviceHealth(entity: Entity, vocabulary: HealthVocabulary): StoredDeviceHealth {
  const reported = dateTimeMs(firstValue(entity, vocabulary.dateLastValueReported));
  const state = firstValue(entity, vocabulary.deviceState);
  const count = firstValue(entity, vocabulary.messageCount);
  return {
    ...(reported === undefined ? {} : { lastReportedMs: reported }),
    ...(typeof state === 'string' ? { state } : {}),
    ...(typeof count === 'number' && Number.isSafeInteger(count) && count >= 0
      ? { messageCount: count }
      : {}),
  };
}

/** The flush of a device that reported: when, how many messages in all, and state 'ok'. */
export function reportedFragment(
  vocabulary: HealthVocabulary,
  lastReportedMs: number,
  messageCount: number,
): EntityFragment {
  return {
    attrs: {
      [vocabulary.dateLastValueReported]: [property(dateTime(lastReportedMs))],
      [vocabulary.messageCount]: [property(messageCount)],
      [vocabulary.deviceState]: [property('ok')],
    },
  };
}

export function staleFragment(vocabulary: HealthVocabulary): EntityFragment {
  return { attrs: { [vocabulary.deviceState]: [property('stale')] } };
}

export interface StaleEpisode {
  deviceId: string;
  /** When the stale period ran out. */
  staleSinceMs: number;
  /** The last message (any instance), or undefined when the device never reported. */
  lastReportedMs: number | undefined;
  provisionedAtMs: number | undefined;
  stalePeriodSeconds: number;
  issuedAtMs: number;
}

/** The Alert of a stale episode, whole (it replaces the previous episode's). */
export function staleAlert(vocabulary: HealthVocabulary, episode: StaleEpisode): ParsedEntity {
  const since =
    episode.lastReportedMs !== undefined
      ? `since ${iso(episode.lastReportedMs)}`
      : episode.provisionedAtMs !== undefined
        ? `since it was provisioned (${iso(episode.provisionedAtMs)})`
        : 'since it was provisioned';
  return {
    id: staleAlertId(episode.deviceId),
    type: [vocabulary.Alert],
    attrs: {
      [vocabulary.category]: [property(STALE_ALERT.category)],
      [vocabulary.subCategory]: [property(STALE_ALERT.subCategory)],
      [vocabulary.severity]: [property(STALE_ALERT.severity)],
      // SDM Alert: alertSource is a Property whose value is the source's URI.
      [vocabulary.alertSource]: [property(deviceEntityId(episode.deviceId))],
      [vocabulary.dateIssued]: [property(dateTime(episode.issuedAtMs))],
      [vocabulary.validFrom]: [property(dateTime(episode.staleSinceMs))],
      [vocabulary.description]: [
        property(
          `Device ${episode.deviceId} has reported nothing ${since}; its stale period is ${episode.stalePeriodSeconds} s`,
        ),
      ],
    },
  };
}

/** Closes the episode: the alert is valid until the device reported again. */
export function alertClosedFragment(
  vocabulary: HealthVocabulary,
  reportedAgainMs: number,
): EntityFragment {
  return { attrs: { [vocabulary.validTo]: [property(dateTime(reportedAgainMs))] } };
}

function property(value: JsonValue): Attribute {
  return { type: 'Property', value };
}

function dateTime(ms: number): JsonValue {
  return { '@type': 'DateTime', '@value': iso(ms) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function firstValue(entity: Entity, iri: string): JsonValue | undefined {
  return entity.attrs[iri]?.find((instance) => instance.datasetId === undefined)?.value;
}

function dateTimeMs(value: JsonValue | undefined): number | undefined {
  const text =
    typeof value === 'string'
      ? value
      : value !== null && typeof value === 'object' && !Array.isArray(value)
        ? value['@value']
        : undefined;
  if (typeof text !== 'string') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
