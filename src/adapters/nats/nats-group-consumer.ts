/**
 * One instance's share of a group: pulls from the group's durable consumer and hands the
 * changes to the handler a batch at a time, in the order they arrive (the changes that
 * arrived while the previous batch was handled, up to maxBatch). Settles each change after
 * its batch: ack when the handler resolved, nak with a growing delay when it rejected.
 * While a batch is handled or waits, "working" signals keep the server from giving its
 * changes to another instance; when this instance dies, they stop and the changes move on
 * after ack_wait.
 *
 * Outages: the client resumes pulling after a reconnect by itself; when the connection or
 * the consumer is lost for good (closed, deleted), this loop sets everything up again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { ChangeBatchHandler, ChangeConsumer } from '../../context/ports/change-bus.port.js';
import type { EntityChange } from '../../context/ports/change-log.port.js';
import { abortable } from './abortable.js';
import { CONTENT_ENCODING, DEFLATE, decodeChange } from './nats-change-codec.js';
import {
  ensureGroupConsumer,
  type ChangeStreamSpec,
  type GroupConsumerSpec,
} from './nats-change-stream.js';
import type { BusLogger, NatsConnector } from './nats-connector.js';

export interface GroupConsumerOptions {
  group: string;
  connector: NatsConnector;
  stream: ChangeStreamSpec;
  consumer: GroupConsumerSpec;
  /** Creates the stream when missing; called at every (re)start of the pull. */
  ensureStream: () => Promise<void>;
  /** Messages pulled ahead of the handler. */
  prefetch: number;
  /** Changes handed to the handler at once, at most. */
  maxBatch: number;
  /** Delay before the first redelivery of a failed change; doubles each time, to 1 min. */
  retryDelayMs: number;
  logger?: BusLogger;
}

export interface RunningGroupConsumer extends ChangeConsumer {
  /** Resolves once the durable consumer exists and pulling has begun. */
  established: Promise<void>;
}

const MAX_RETRY_DELAY_MS = 60_000;
const MAX_SETUP_DELAY_MS = 10_000;
const FLUSH_TIMEOUT_MS = 2_000;
/** Pull notifications after which the client would wait for a consumer that is gone. */
const GONE = new Set(['consumer_deleted', 'consumer_not_found', 'stream_not_found']);

export function startGroupConsumer(
  options: GroupConsumerOptions,
  handler: ChangeBatchHandler,
): RunningGroupConsumer {
  const { group, connector, stream, consumer: spec, logger: log } = options;
  const stopping = new AbortController();
  let messages: ConsumerMessages | undefined;
  let markEstablished: () => void = () => undefined;
  const established = new Promise<void>((resolve) => (markEstablished = resolve));

  async function pullUntilLost(): Promise<void> {
    const nc = await connector.connection(stopping.signal);
    await abortable(options.ensureStream(), stopping.signal);
    await ensureGroupConsumer(await jetstreamManager(nc), stream, spec);
    const consumer = await jetstream(nc).consumers.get(stream.name, spec.durableName);
    const pulled = await consumer.consume({ max_messages: options.prefetch });
    messages = pulled;
    markEstablished();
    void restartWhenGone(pulled);
    if (stopping.signal.aborted) pulled.stop();
    const waiting: JsMsg[] = [];
    let draining: Promise<void> | undefined;
    const drain = async () => {
      while (waiting.length > 0) await handle(waiting.splice(0, options.maxBatch));
    };
    for await (const msg of pulled) {
      // Stopping: hand what was pulled ahead back at once rather than after ack_wait.
      if (stopping.signal.aborted) {
        settle(() => msg.nak());
        continue;
      }
      waiting.push(msg);
      draining ??= drain().finally(() => {
        draining = undefined;
      });
      // A full batch waits: pull no further until it is being handled.
      if (waiting.length >= options.maxBatch) await draining;
    }
    await draining;
    for (const msg of waiting.splice(0)) settle(() => msg.nak());
    // The server drops our open pull request once it has seen us unsubscribe; until then
    // it would still send us changes, which would wait out ack_wait to go elsewhere.
    if (stopping.signal.aborted)
      await abortable(nc.flush(), AbortSignal.timeout(FLUSH_TIMEOUT_MS)).catch(() => undefined);
  }

  /** The client keeps asking for a deleted consumer; we would rather create it again. */
  async function restartWhenGone(pulled: ConsumerMessages): Promise<void> {
    for await (const status of pulled.status()) {
      if (GONE.has(status.type)) {
        log?.warn({ group, status: status.type }, 'change bus consumer lost; setting it up again');
        pulled.stop();
      }
    }
  }

  async function handle(msgs: JsMsg[]): Promise<void> {
    const batch: Array<{ msg: JsMsg; change: EntityChange }> = [];
    for (const msg of msgs) {
      const change = await decodeChange(msg.data, msg.headers?.get(CONTENT_ENCODING) === DEFLATE);
      if (change !== undefined) batch.push({ msg, change });
      else {
        log?.error({ group, subject: msg.subject, streamSeq: msg.seq }, 'not a change; dropped');
        settle(() => msg.term());
      }
    }
    if (batch.length === 0) return;
    const progress = setInterval(
      () => batch.forEach(({ msg }) => settle(() => msg.working())),
      Math.max(100, Math.floor(spec.ackWaitMs / 3)),
    );
    try {
      await handler(batch.map(({ change }) => change));
      for (const { msg } of batch) settle(() => msg.ack());
    } catch (error) {
      for (const { msg, change } of batch) {
        const deliveries = msg.info.deliveryCount;
        const delay = Math.min(MAX_RETRY_DELAY_MS, options.retryDelayMs * 2 ** (deliveries - 1));
        log?.warn(
          { err: error, group, seq: change.seq, deliveries, retryInMs: delay },
          'change handler failed; the change will be delivered again',
        );
        settle(() => msg.nak(delay));
      }
    } finally {
      clearInterval(progress);
    }
  }

  /** Acks go out on a connection that may just have closed: the server redelivers then. */
  function settle(send: () => void): void {
    try {
      send();
    } catch (error) {
      log?.debug({ err: error, group }, 'could not settle a change; it will be redelivered');
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        await pullUntilLost();
        failures = 0;
      } catch (error) {
        if (stopping.signal.aborted) break;
        failures += 1;
        if (failures === 1 || failures % 20 === 0)
          log?.warn({ err: error, group, failures }, 'change bus consumer not ready; retrying');
      } finally {
        messages = undefined;
      }
      const delay = Math.min(MAX_SETUP_DELAY_MS, 250 * 2 ** Math.min(failures, 6));
      await sleep(delay, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  }

  const running = run();

  return {
    established,
    async stop() {
      if (!stopping.signal.aborted) {
        stopping.abort();
        messages?.stop();
      }
      await running;
    },
  };
}
