/**
 * The `notification` member of a Subscription: NotificationParams (5.2.14) and its
 * Endpoint (5.2.15), validated as subscriptions.md §2–§3 says.
 */
import type { JsonLdContext } from '../context/json-ld-context.js';
import { assertAttributeName } from '../entity/names.js';
import { badRequestData } from '../problem-details.js';
import { parseEndpoint, type EndpointParseOptions } from './endpoint-parser.js';
import {
  checkMemberNames,
  expectBoolean,
  expectObject,
  expectString,
  expectStringList,
} from './member-checks.js';
import {
  NOTIFICATION_FORMATS,
  type NotificationFormat,
  type SubscriptionNotificationParams,
} from './subscription.js';

const NOTIFICATION_MEMBERS = [
  'attributes',
  'pick',
  'omit',
  'format',
  'showChanges',
  'sysAttrs',
  'endpoint',
  // Read-only (5.2.14): a client may send a retrieved subscription back; they are ignored.
  'status',
  'timesSent',
  'timesFailed',
  'lastNotification',
  'lastSuccess',
  'lastFailure',
];
const PROJECTION_MEMBERS = new Set(['id', 'type', 'scope']);

export interface NotificationParseOptions extends EndpointParseOptions {
  context: JsonLdContext;
}

export function parseNotificationParams(
  value: unknown,
  options: NotificationParseOptions,
): SubscriptionNotificationParams {
  const input = expectObject(value, 'notification');
  checkMemberNames(input, 'notification', NOTIFICATION_MEMBERS, ['join', 'joinLevel']);
  if (input['endpoint'] === undefined) throw badRequestData('notification.endpoint is missing');
  const expand = (name: string) => options.context.expandTerm(name);
  const params: SubscriptionNotificationParams = {
    format: parseFormat(input['format']),
    showChanges:
      input['showChanges'] === undefined
        ? false
        : expectBoolean(input['showChanges'], 'notification.showChanges'),
    sysAttrs:
      input['sysAttrs'] === undefined
        ? false
        : expectBoolean(input['sysAttrs'], 'notification.sysAttrs'),
    endpoint: parseEndpoint(input['endpoint'], options),
  };
  if (input['attributes'] !== undefined) {
    params.attributes = expectStringList(input['attributes'], 'notification.attributes').map(
      (name, i) => {
        assertAttributeName(name, `notification.attributes[${i}]`);
        return expand(name);
      },
    );
  }
  const pick = parseProjection(input['pick'], 'notification.pick', expand);
  const omit = parseProjection(input['omit'], 'notification.omit', expand);
  if (params.attributes && (pick || omit))
    throw badRequestData('notification.attributes cannot be combined with pick or omit');
  if (pick && omit && pick.some((name) => omit.includes(name)))
    throw badRequestData('notification.pick and notification.omit name the same member');
  if (pick) params.pick = pick;
  if (omit) params.omit = omit;
  if (params.showChanges && (params.format === 'keyValues' || params.format === 'simplified'))
    throw badRequestData(`notification.showChanges cannot be used with format ${params.format}`);
  return params;
}

function parseFormat(value: unknown): NotificationFormat {
  if (value === undefined) return 'normalized';
  if (typeof value !== 'string' || !(NOTIFICATION_FORMATS as readonly string[]).includes(value))
    throw badRequestData(`notification.format must be one of ${NOTIFICATION_FORMATS.join(', ')}`);
  return value as NotificationFormat;
}

/** An array of names, or a comma-separated list as in the query parameters. */
function parseProjection(
  value: unknown,
  where: string,
  expand: (name: string) => string,
): string[] | undefined {
  if (value === undefined) return undefined;
  const names =
    typeof value === 'string'
      ? expectStringList(
          expectString(value, where)
            .split(',')
            .map((name) => name.trim()),
          where,
        )
      : expectStringList(value, where);
  return names.map((name, i) => {
    if (PROJECTION_MEMBERS.has(name)) return name;
    assertAttributeName(name, `${where}[${i}]`);
    return expand(name);
  });
}
