/**
 * The change bus on NATS JetStream (ChangeBus port; README.md beside this file). Changes
 * go to `<prefix>.<tenant token>` of one stream with the message id `change-<seq>`, so the
 * stream drops a change published twice within its duplicate window; every group has one
 * durable pull consumer that all instances share.
 *
 * The bus connects in the background and keeps reconnecting: an instance starts while
 * NATS is away, publish() rejects until it is back (the relay keeps the changes in the
 * change log), and consumers resume pulling when it returns.
 *
 * A change too large for the server's max_payload even deflated (nats-change-codec.ts) is
 * not published: it is logged as an error with its entity and size and left out, so that
 * one huge entity cannot hold up every change after it (the relay would retry it forever).
 * Neither its subscriptions nor device commands hear of it; raising max_payload avoids that.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import {
  eachChange,
  type ChangeBatchHandler,
  type ChangeBus,
  type ChangeConsumer,
} from '../../context/ports/change-bus.port.js';
import type { EntityChange } from '../../context/ports/change-log.port.js';
import { abortable } from './abortable.js';
import {
  CONTENT_ENCODING,
  DEFLATE,
  encodeChange,
  fits,
  type EncodedChange,
} from './nats-change-codec.js';
import { ensureChangeStream, type ChangeStreamSpec } from './nats-change-stream.js';
import { createNatsConnector, type BusLogger } from './nats-connector.js';
import { startGroupConsumer, type RunningGroupConsumer } from './nats-group-consumer.js';
import {
  changeSubject,
  checkStreamName,
  checkSubjectPrefix,
  durableName,
} from './nats-subjects.js';

export interface NatsChangeBusOptions {
  /** `nats://[user:pass@]host:4222`, several comma-separated for a cluster; `tls://` for TLS. */
  url: string;
  /** Default `CIVIS_CHANGES`. */
  streamName?: string;
  /** Default `civis.changes`; the stream takes `<prefix>.>`. */
  subjectPrefix?: string;
  logger?: BusLogger;
  /** How long publish() may take before it rejects, waiting for NATS included; default 5 s. */
  publishTimeoutMs?: number;
  /** Redelivery after this long without ack or progress signal; default 30 s. */
  ackWaitMs?: number;
  /** Changes of a group handed out and not yet settled, over all instances; default 1000. */
  maxAckPending?: number;
  /** Changes an instance pulls ahead of its handler; default 16. */
  prefetch?: number;
  /** First redelivery delay of a change whose handler failed (doubles to 1 min); default 1 s. */
  retryDelayMs?: number;
  /** Stream limits, used when the bus creates the stream: default 7 days and 1 GiB. */
  maxAgeMs?: number;
  maxBytes?: number;
  /** Stream replicas in a NATS cluster; default 1. */
  replicas?: number;
}

export const DEFAULT_STREAM_NAME = 'CIVIS_CHANGES';
export const DEFAULT_SUBJECT_PREFIX = 'civis.changes';

const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

export function createNatsChangeBus(options: NatsChangeBusOptions): ChangeBus {
  const log = options.logger;
  const stream: ChangeStreamSpec = {
    name: checkStreamName(options.streamName ?? DEFAULT_STREAM_NAME),
    subjectPrefix: checkSubjectPrefix(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX),
    maxAgeMs: options.maxAgeMs ?? 7 * 24 * 60 * 60 * 1000,
    maxBytes: options.maxBytes ?? 1024 * 1024 * 1024,
    duplicateWindowMs: DUPLICATE_WINDOW_MS,
    replicas: options.replicas ?? 1,
  };
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const connector = createNatsConnector({
    url: options.url,
    name: `civis-${process.pid}`,
    ...(log === undefined ? {} : { logger: log }),
  });
  const consumers = new Set<RunningGroupConsumer>();
  let closed = false;

  // Checked once, and again after any failure: an operator may delete the stream, or a
  // NATS server may come back without its storage.
  let streamReady: Promise<void> | undefined;
  const ensureStream = (recheck = false): Promise<void> => {
    if (recheck) streamReady = undefined;
    streamReady ??= (async () => {
      const nc = await connector.connection();
      await ensureChangeStream(await jetstreamManager(nc), stream);
    })().catch((error: unknown) => {
      streamReady = undefined;
      throw error;
    });
    return streamReady;
  };
  void ensureStream().catch((error: unknown) => {
    if (!closed) log?.warn({ err: error }, 'change stream not ready yet');
  });

  async function publish(changes: readonly EntityChange[]): Promise<void> {
    if (closed) throw new Error('the change bus is closed');
    if (changes.length === 0) return;
    const deadline = Date.now() + publishTimeoutMs;
    const signal = AbortSignal.timeout(publishTimeoutMs);
    try {
      const nc = await connector.connection(signal);
      await abortable(ensureStream(), signal);
      const js = jetstream(nc);
      const maxPayload = nc.info?.max_payload ?? Number.POSITIVE_INFINITY;
      const encoded = await Promise.all(changes.map((change) => encodeChange(change, maxPayload)));
      // All sent at once on one connection, so the stream keeps their order; then the acks.
      await Promise.all(
        changes.map((change, i) => {
          const { data, deflated } = encoded[i] as EncodedChange;
          if (!fits(data, maxPayload)) {
            log?.error(tooLarge(change, data, maxPayload), 'change left out of the bus');
            return undefined;
          }
          const encoding = deflated ? headers() : undefined;
          encoding?.set(CONTENT_ENCODING, DEFLATE);
          return js.publish(changeSubject(stream.subjectPrefix, change.tenant), data, {
            msgID: `change-${change.seq}`,
            timeout: Math.max(1, deadline - Date.now()),
            ...(encoding === undefined ? {} : { headers: encoding }),
          });
        }),
      );
    } catch (error) {
      streamReady = undefined;
      throw new Error(`could not publish ${changes.length} change(s) to NATS`, { cause: error });
    }
  }

  async function consumeBatches(
    group: string,
    handler: ChangeBatchHandler,
    { maxBatch }: { maxBatch: number },
  ): Promise<ChangeConsumer> {
    if (closed) throw new Error('the change bus is closed');
    const consumer = startGroupConsumer(
      {
        group,
        connector,
        stream,
        consumer: {
          durableName: durableName(group),
          ackWaitMs: options.ackWaitMs ?? 30_000,
          maxAckPending: options.maxAckPending ?? 1000,
        },
        ensureStream: () => ensureStream(true),
        // Enough pulled ahead for a full batch behind the one being handled.
        prefetch: Math.max(options.prefetch ?? 16, 2 * maxBatch),
        maxBatch: Math.max(1, maxBatch),
        retryDelayMs: options.retryDelayMs ?? 1_000,
        ...(log === undefined ? {} : { logger: log }),
      },
      handler,
    );
    consumers.add(consumer);
    // The durable consumer takes changes published from its creation on: wait for it, so
    // that the caller may publish right after. While NATS is away, go on without it.
    const ready = await abortable(consumer.established, AbortSignal.timeout(publishTimeoutMs))
      .then(() => true)
      .catch(() => false);
    if (!ready) log?.warn({ group }, 'change bus consumer not ready yet; it keeps trying');
    return {
      async stop() {
        consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  return {
    publish,
    consume: (group, handler) => consumeBatches(group, eachChange(handler), { maxBatch: 1 }),
    consumeBatches,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      consumers.clear();
      await connector.close();
    },
  };
}

function tooLarge(change: EntityChange, data: Uint8Array, maxPayload: number) {
  return {
    seq: change.seq,
    tenant: change.tenant,
    entityId: change.entityId,
    bytes: data.length,
    maxPayload,
    hint: "the change is larger than the NATS server's max_payload even deflated; raise max_payload in the server config",
  };
}
