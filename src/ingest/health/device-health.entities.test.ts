import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entity } from '../../ngsi-ld/model.js';
import { CORE_JSON_LD_CONTEXT } from '../../ngsi-ld/context/json-ld-context-impl.js';
import { DEFAULT_VOCAB } from '../../ngsi-ld/context/core-context.js';
import {
  alertClosedFragment,
  healthVocabulary,
  readDeviceHealth,
  reportedFragment,
  staleAlert,
} from './device-health.entities.js';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const v = healthVocabulary(CORE_JSON_LD_CONTEXT);
const DEVICE_HEALTH_IRIS = v;
const ALERT_IRIS = v;

describe('device health entities', () => {
  it("healthVocabulary expands the health terms with the device's @context", () => {
    assert.equal(v.deviceState, `${DEFAULT_VOCAB}deviceState`);
    const sdm = healthVocabulary({
      expandTerm: (term) => `https://smartdatamodels.org/dataModel.Device/${term}`,
    });
    assert.equal(
      sdm.dateLastValueReported,
      'https://smartdatamodels.org/dataModel.Device/dateLastValueReported',
    );
  });

  it('reportedFragment sets dateLastValueReported as a DateTime, the count and state ok', () => {
    assert.deepEqual(reportedFragment(v, T0, 42).attrs, {
      [DEVICE_HEALTH_IRIS.dateLastValueReported]: [
        { type: 'Property', value: { '@type': 'DateTime', '@value': '2024-05-14T10:00:00.000Z' } },
      ],
      [DEVICE_HEALTH_IRIS.messageCount]: [{ type: 'Property', value: 42 }],
      [DEVICE_HEALTH_IRIS.deviceState]: [{ type: 'Property', value: 'ok' }],
    });
  });

  it('readDeviceHealth reads back what reportedFragment writes and ignores junk', () => {
    const entity: Entity = {
      id: 'urn:ngsi-ld:Device:air-1',
      type: ['https://smartdatamodels.org/dataModel.Device/Device'],
      createdAt: '2024-05-01T00:00:00.000Z',
      modifiedAt: '2024-05-01T00:00:00.000Z',
      attrs: reportedFragment(v, T0, 42).attrs,
    };
    assert.deepEqual(readDeviceHealth(entity, v), {
      lastReportedMs: T0,
      state: 'ok',
      messageCount: 42,
    });
    entity.attrs = {
      [DEVICE_HEALTH_IRIS.dateLastValueReported]: [{ type: 'Property', value: 'not a date' }],
      [DEVICE_HEALTH_IRIS.messageCount]: [{ type: 'Property', value: -3 }],
    };
    assert.deepEqual(readDeviceHealth(entity, v), {});
  });

  it('staleAlert is an SDM Alert about the Device entity with a deterministic id', () => {
    const alert = staleAlert(v, {
      deviceId: 'air-1',
      staleSinceMs: T0 + 600_000,
      lastReportedMs: T0,
      provisionedAtMs: T0 - 1000,
      stalePeriodSeconds: 600,
      issuedAtMs: T0 + 660_000,
    });
    assert.equal(alert.id, 'urn:ngsi-ld:Alert:device-stale:air-1');
    assert.deepEqual(alert.type, [ALERT_IRIS.Alert]);
    // Smart Data Models Alert: alertSource is a Property holding the source's URI.
    assert.deepEqual(alert.attrs[ALERT_IRIS.alertSource], [
      { type: 'Property', value: 'urn:ngsi-ld:Device:air-1' },
    ]);
    assert.equal(alert.attrs[ALERT_IRIS.category]?.[0]?.value, 'technical');
    assert.equal(alert.attrs[ALERT_IRIS.subCategory]?.[0]?.value, 'deviceNotReporting');
    assert.deepEqual(alert.attrs[ALERT_IRIS.validFrom]?.[0]?.value, {
      '@type': 'DateTime',
      '@value': '2024-05-14T10:10:00.000Z',
    });
    assert.match(
      String(alert.attrs[ALERT_IRIS.description]?.[0]?.value),
      /^Device air-1 has reported nothing since 2024-05-14T10:00:00.000Z; its stale period is 600 s$/,
    );
    assert.equal(ALERT_IRIS.validTo in alert.attrs, false);
  });

  it('staleAlert says since provisioning when the device never reported', () => {
    const alert = staleAlert(v, {
      deviceId: 'air-2',
      staleSinceMs: T0 + 300_000,
      lastReportedMs: undefined,
      provisionedAtMs: T0,
      stalePeriodSeconds: 300,
      issuedAtMs: T0 + 300_000,
    });
    assert.match(
      String(alert.attrs[ALERT_IRIS.description]?.[0]?.value),
      /since it was provisioned \(2024-05-14T10:00:00.000Z\)/,
    );
  });

  it('alertClosedFragment sets validTo', () => {
    assert.deepEqual(alertClosedFragment(v, T0).attrs[ALERT_IRIS.validTo], [
      { type: 'Property', value: { '@type': 'DateTime', '@value': '2024-05-14T10:00:00.000Z' } },
    ]);
  });
});
