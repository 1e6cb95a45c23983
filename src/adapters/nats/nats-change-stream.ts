/**
 * The JetStream resources of the bus: the stream that keeps the changes and one durable
 * pull consumer per group. Both are created when missing and left alone when present, so
 * that any number of instances may start at once and an operator may tune limits with the
 * `nats` CLI without Civis undoing it.
 */
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export interface ChangeStreamSpec {
  name: string;
  subjectPrefix: string;
  maxAgeMs: number;
  maxBytes: number;
  duplicateWindowMs: number;
  replicas: number;
}

export interface GroupConsumerSpec {
  durableName: string;
  ackWaitMs: number;
  maxAckPending: number;
}

/** JetStream's code for "stream name already in use with a different configuration". */
const STREAM_NAME_IN_USE = 10058;

export async function ensureChangeStream(
  jsm: JetStreamManager,
  spec: ChangeStreamSpec,
): Promise<void> {
  const subjects = `${spec.subjectPrefix}.>`;
  if (await streamExists(jsm, spec.name, subjects)) return;
  try {
    await jsm.streams.add({
      name: spec.name,
      subjects: [subjects],
      storage: StorageType.File,
      // Limits, not interest: a group's durable consumer keeps its own place, and a
      // consumer that is away for a while finds the changes still there.
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: nanos(spec.maxAgeMs),
      max_bytes: spec.maxBytes,
      duplicate_window: nanos(spec.duplicateWindowMs),
      num_replicas: spec.replicas,
    });
  } catch (error) {
    // Another instance created it in the meantime (with other settings).
    if (!(isApiError(error, STREAM_NAME_IN_USE) && (await streamExists(jsm, spec.name, subjects))))
      throw error;
  }
}

async function streamExists(jsm: JetStreamManager, name: string, subjects: string) {
  try {
    const info = await jsm.streams.info(name);
    if (!(info.config.subjects ?? []).includes(subjects))
      throw new Error(`JetStream stream ${name} exists but does not take subjects ${subjects}`);
    return true;
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return false;
    throw error;
  }
}

/**
 * The group's durable consumer. DeliverPolicy New: a group sees the changes published from
 * its first start on, not the stream's whole past (ChangeBus.consume). Two instances adding
 * it at once is harmless: adding one that exists with the same settings is a no-op.
 */
export async function ensureGroupConsumer(
  jsm: JetStreamManager,
  stream: ChangeStreamSpec,
  spec: GroupConsumerSpec,
): Promise<void> {
  try {
    await jsm.consumers.info(stream.name, spec.durableName);
    return;
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
  }
  await jsm.consumers.add(stream.name, {
    durable_name: spec.durableName,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
    max_deliver: -1,
    deliver_policy: DeliverPolicy.New,
    filter_subject: `${stream.subjectPrefix}.>`,
  });
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
