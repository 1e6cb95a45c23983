/**
 * A fake notification transport for tests: records every message it is asked to send and
 * answers with the outcome set per endpoint URI (delivered by default), optionally after
 * a delay or never (a hanging receiver, cut by the notifier's timeout).
 */
import type {
  DeliveryOutcome,
  NotificationEndpoint,
  NotificationMessage,
  NotificationSender,
} from '../../src/context/ports/notification-sender.port.js';

export interface RecordedNotification {
  endpoint: NotificationEndpoint;
  message: NotificationMessage;
  /** The parsed Notification. */
  notification: {
    id: string;
    type: string;
    subscriptionId: string;
    notifiedAt: string;
    data: Array<Record<string, unknown>>;
    '@context'?: unknown;
  };
  timeoutMs: number;
}

export type Behaviour = DeliveryOutcome | 'hang';

export interface RecordingNotificationSender extends NotificationSender {
  /** Every send attempt, in order (failed ones too). */
  readonly sent: RecordedNotification[];
  /** How sends to `uri` end from now on. */
  respond(uri: string, behaviour: Behaviour): void;
  /** Attempts to `uri` (or all), waiting until at least `count` exist (5 s at most). */
  waitFor(count: number, uri?: string): Promise<RecordedNotification[]>;
  /** Attempts to `uri` (or all) so far. */
  to(uri?: string): RecordedNotification[];
}

export function createRecordingNotificationSender(
  schemes: readonly string[] = ['http', 'https', 'mqtt', 'mqtts'],
): RecordingNotificationSender {
  const sent: RecordedNotification[] = [];
  const behaviours = new Map<string, Behaviour>();
  const waiters = new Set<() => void>();
  const hanging = new Set<(outcome: DeliveryOutcome) => void>();
  const to = (uri?: string) =>
    sent.filter((item) => uri === undefined || item.endpoint.uri === uri);

  return {
    schemes,
    sent,
    respond(uri, behaviour) {
      behaviours.set(uri, behaviour);
    },
    to,
    async waitFor(count, uri) {
      const deadline = Date.now() + 5_000;
      while (to(uri).length < count) {
        if (Date.now() > deadline)
          throw new Error(
            `waited for ${count} notifications to ${uri ?? 'any endpoint'}, got ${to(uri).length}`,
          );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 20);
          waiters.add(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return to(uri);
    },
    async send(endpoint, message, { timeoutMs }) {
      sent.push({
        endpoint,
        message,
        notification: JSON.parse(message.body) as RecordedNotification['notification'],
        timeoutMs,
      });
      for (const wake of waiters) wake();
      waiters.clear();
      const behaviour = behaviours.get(endpoint.uri) ?? { ok: true };
      if (behaviour !== 'hang') return behaviour;
      // A receiver that never answers: the sender gives up after its timeout, as a real one does.
      return new Promise<DeliveryOutcome>((resolve) => {
        const settle = (outcome: DeliveryOutcome) => {
          clearTimeout(timer);
          hanging.delete(settle);
          resolve(outcome);
        };
        const timer = setTimeout(
          () => settle({ ok: false, reason: `timeout after ${timeoutMs} ms`, retryable: true }),
          timeoutMs,
        );
        hanging.add(settle);
      });
    },
    async close() {
      for (const settle of hanging) settle({ ok: false, reason: 'closed', retryable: true });
    },
  };
}
