import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProblemDetails } from '../../ngsi-ld/problem-details.js';
import { decodeChirpstackEvent } from './chirpstack-uplink.decoder.js';
import { MAX_VALUE_DEPTH, parseNetworkTime } from './lorawan-message.js';
import {
  CHIRPSTACK_DEV_EUI,
  CHIRPSTACK_JOIN,
  TTS_DEV_EUI,
  TTS_JOIN_ACCEPT,
  chirpstackUplink,
  ttsUplink,
} from './lorawan.fixtures.js';
import { decodeTtsMessage } from './tts-uplink.decoder.js';

function assertBadRequest(run: () => unknown, detail: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ProblemDetails);
    assert.equal(error.status, 400);
    assert.match(error.detail, detail);
    return true;
  });
}

describe('parseNetworkTime', () => {
  it('parseNetworkTime keeps milliseconds of nanosecond times and converts offsets to UTC', () => {
    assert.equal(
      parseNetworkTime('2024-05-14T10:15:31.276410932Z', 't'),
      '2024-05-14T10:15:31.276Z',
    );
    assert.equal(
      parseNetworkTime('2024-05-14T12:20:05.118293114+02:00', 't'),
      '2024-05-14T10:20:05.118Z',
    );
    assert.equal(parseNetworkTime(undefined, 't'), undefined);
  });

  it('parseNetworkTime refuses dates without a time, garbage and numbers', () => {
    for (const value of ['2024-05-14', 'yesterday', '2024-13-45T99:99:99Z', 1715681731]) {
      assertBadRequest(() => parseNetworkTime(value, 'time'), /^time must be an RFC 3339/);
    }
  });
});

describe('decodeTtsMessage (The Things Stack v3 webhooks)', () => {
  it('decodeTtsMessage returns the DevEUI, decoded payload and network time of an uplink', () => {
    assert.deepEqual(decodeTtsMessage(ttsUplink()), {
      kind: 'uplink',
      devEui: TTS_DEV_EUI,
      values: { temperature: 20.7, humidity: 45.5, pm10: 25 },
      observedAt: '2024-05-14T10:15:31.276Z',
    });
  });

  it('decodeTtsMessage falls back on the message received_at when the uplink has none', () => {
    const body = ttsUplink();
    delete (body.uplink_message as { received_at?: string }).received_at;
    const message = decodeTtsMessage(body);
    assert.equal(message.kind === 'uplink' && message.observedAt, '2024-05-14T10:15:31.482Z');
  });

  it('decodeTtsMessage accepts a lower-case DevEUI', () => {
    const message = decodeTtsMessage(ttsUplink({ devEui: TTS_DEV_EUI.toLowerCase() }));
    assert.equal(message.kind === 'uplink' && message.devEui, TTS_DEV_EUI);
  });

  it('decodeTtsMessage ignores join accepts and downlink events', () => {
    assert.deepEqual(decodeTtsMessage(TTS_JOIN_ACCEPT), { kind: 'ignored', what: 'join_accept' });
    assert.deepEqual(decodeTtsMessage({ end_device_ids: {}, downlink_ack: {} }), {
      kind: 'ignored',
      what: 'downlink_ack',
    });
  });

  it('decodeTtsMessage refuses an uplink without decoded payload', () => {
    assertBadRequest(
      () => decodeTtsMessage(ttsUplink({ decoded: undefined })),
      /decoded_payload is missing: give the device or application an uplink payload formatter/,
    );
    assertBadRequest(
      () => decodeTtsMessage(ttsUplink({ decoded: [1, 2] })),
      /decoded_payload must be a JSON object/,
    );
  });

  it('decodeTtsMessage refuses a decoded payload nested deeper than MAX_VALUE_DEPTH', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assertBadRequest(
      () => decodeTtsMessage(ttsUplink({ decoded: { deep } })),
      /decoded_payload is nested more than 16 levels deep/,
    );
    let fine: unknown = 1;
    for (let i = 0; i < MAX_VALUE_DEPTH - 1; i++) fine = { level: fine };
    assert.equal(decodeTtsMessage(ttsUplink({ decoded: fine })).kind, 'uplink');
  });

  it('decodeTtsMessage refuses a missing or malformed DevEUI', () => {
    assertBadRequest(
      () => decodeTtsMessage(ttsUplink({ devEui: '70B3D57ED005D1' })),
      /end_device_ids.dev_eui must be a DevEUI of 16 hexadecimal digits/,
    );
    const body = ttsUplink();
    delete (body.end_device_ids as { dev_eui?: string }).dev_eui;
    assertBadRequest(() => decodeTtsMessage(body), /end_device_ids.dev_eui is missing/);
  });

  it('decodeTtsMessage refuses bodies that are not TTS messages', () => {
    assertBadRequest(() => decodeTtsMessage([]), /The body must be a JSON object/);
    assertBadRequest(() => decodeTtsMessage(undefined), /The body is missing/);
    assertBadRequest(
      () => decodeTtsMessage({ hello: 'world' }),
      /not a The Things Stack v3 message/,
    );
    assertBadRequest(
      () => decodeTtsMessage({ ...ttsUplink(), uplink_message: 'x' }),
      /uplink_message must be a JSON object/,
    );
  });

  it('decodeTtsMessage refuses an uplink whose received_at is not a date-time', () => {
    const body = ttsUplink();
    body.uplink_message.received_at = 'soon';
    assertBadRequest(
      () => decodeTtsMessage(body),
      /uplink_message.received_at must be an RFC 3339/,
    );
  });
});

describe('decodeChirpstackEvent (ChirpStack v4 HTTP integration)', () => {
  it('decodeChirpstackEvent returns the DevEUI, codec object and time of an up event', () => {
    assert.deepEqual(decodeChirpstackEvent('up', chirpstackUplink()), {
      kind: 'uplink',
      devEui: CHIRPSTACK_DEV_EUI.toUpperCase(),
      values: { fillingLevel: 0.72, batteryLevel: 3.6 },
      observedAt: '2024-05-14T10:20:05.118Z',
    });
  });

  it('decodeChirpstackEvent leaves observedAt out when the event has no time', () => {
    const body: Record<string, unknown> = chirpstackUplink();
    delete body.time;
    assert.equal('observedAt' in decodeChirpstackEvent('up', body), false);
  });

  it('decodeChirpstackEvent ignores the other events without reading the body', () => {
    for (const event of ['join', 'status', 'ack', 'txack', 'log', 'location', 'integration']) {
      assert.deepEqual(decodeChirpstackEvent(event, CHIRPSTACK_JOIN), {
        kind: 'ignored',
        what: event,
      });
    }
  });

  it('decodeChirpstackEvent refuses a missing or unknown event', () => {
    assertBadRequest(
      () => decodeChirpstackEvent(undefined, chirpstackUplink()),
      /event query parameter is missing/,
    );
    assertBadRequest(
      () => decodeChirpstackEvent('upp', chirpstackUplink()),
      /event=upp is not a ChirpStack v4 event/,
    );
  });

  it('decodeChirpstackEvent refuses an up event without object', () => {
    assertBadRequest(
      () => decodeChirpstackEvent('up', chirpstackUplink({ object: undefined })),
      /object is missing: give the device profile a codec/,
    );
    assertBadRequest(
      () => decodeChirpstackEvent('up', chirpstackUplink({ object: 'AUgC' })),
      /object must be a JSON object/,
    );
  });

  it('decodeChirpstackEvent refuses a missing deviceInfo or DevEUI', () => {
    const body: Record<string, unknown> = chirpstackUplink();
    delete body.deviceInfo;
    assertBadRequest(() => decodeChirpstackEvent('up', body), /deviceInfo is missing/);
    assertBadRequest(
      () => decodeChirpstackEvent('up', chirpstackUplink({ devEui: 'not-an-eui' })),
      /deviceInfo.devEui must be a DevEUI/,
    );
  });
});
