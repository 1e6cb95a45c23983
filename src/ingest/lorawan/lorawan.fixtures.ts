/**
 * Example webhook bodies written from the network servers' documented formats (The Things
 * Stack v3 "Data formats", ChirpStack v4 "Event types"), for the decoder and API tests.
 */

export const TTS_DEV_EUI = '70B3D57ED005D1A2';
export const CHIRPSTACK_DEV_EUI = '0004a30b001c5f21';

/** The fixtures' TTS device, as every message of it names it. */
const TTS_END_DEVICE_IDS = {
  device_id: 'eui-70b3d57ed005d1a2',
  application_ids: { application_id: 'civis-air-quality' },
  dev_eui: TTS_DEV_EUI,
  join_eui: '0000000000000000',
  dev_addr: '260B4C1D',
};

/** The fixtures' ChirpStack device, as every event of it describes it. */
const CHIRPSTACK_DEVICE_INFO = {
  tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242',
  tenantName: 'City of Example',
  applicationId: '17c82e96-be03-4f38-aef3-f83d48582d97',
  applicationName: 'waste',
  deviceProfileId: '14855bf7-d10d-4aee-b618-ebfcb64dc7ad',
  deviceProfileName: 'fill-level-sensor',
  deviceName: 'bin-0042',
  devEui: CHIRPSTACK_DEV_EUI,
};

/** A TTS v3 uplink with a payload formatter's output (as sent by a webhook, JSON format). */
export function ttsUplink(overrides: { devEui?: string; decoded?: unknown } = {}) {
  return {
    end_device_ids: { ...TTS_END_DEVICE_IDS, dev_eui: overrides.devEui ?? TTS_DEV_EUI },
    correlation_ids: ['gs:uplink:01HXQ4V3ZP3T6X0Q9F1R8B7W5K'],
    received_at: '2024-05-14T10:15:31.482917263Z',
    uplink_message: {
      session_key_id: 'AY9jN0sC1cB3kq3Vw7xH2A==',
      f_port: 2,
      f_cnt: 1412,
      frm_payload: 'AM8BxgAZ',
      ...(overrides.decoded === undefined && 'decoded' in overrides
        ? {}
        : {
            decoded_payload: overrides.decoded ?? { temperature: 20.7, humidity: 45.5, pm10: 25 },
          }),
      rx_metadata: [
        {
          gateway_ids: { gateway_id: 'town-hall-roof', eui: 'B827EBFFFE61A3C4' },
          time: '2024-05-14T10:15:31.287Z',
          timestamp: 2783214524,
          rssi: -97,
          channel_rssi: -97,
          snr: 7.25,
          uplink_token: 'ChwKGgoOdG93bi1oYWxsLXJvb2YSCLgn6//+YaPEELz1/bsKGgwIk5CMsgYQmN/ctQE=',
          received_at: '2024-05-14T10:15:31.301224118Z',
        },
      ],
      settings: {
        data_rate: { lora: { bandwidth: 125000, spreading_factor: 7, coding_rate: '4/5' } },
        frequency: '868300000',
        timestamp: 2783214524,
        time: '2024-05-14T10:15:31.287Z',
      },
      received_at: '2024-05-14T10:15:31.276410932Z',
      consumed_airtime: '0.061696s',
      network_ids: {
        net_id: '000013',
        tenant_id: 'ttn',
        cluster_id: 'eu1',
        cluster_address: 'eu1.cloud.thethings.network',
      },
    },
  };
}

/** A TTS v3 join-accept message (acknowledged and ignored). */
export const TTS_JOIN_ACCEPT = {
  end_device_ids: { ...TTS_END_DEVICE_IDS },
  correlation_ids: ['as:up:01HXQ4QKX8N4D9V3YG5P4D8A7B'],
  received_at: '2024-05-14T10:14:02.113408622Z',
  join_accept: {
    session_key_id: 'AY9jN0sC1cB3kq3Vw7xH2A==',
    received_at: '2024-05-14T10:14:01.951736118Z',
  },
};

/** A ChirpStack v4 `up` event (HTTP integration, JSON marshaler). */
export function chirpstackUplink(overrides: { devEui?: string; object?: unknown } = {}) {
  return {
    deduplicationId: '5b0e3a4f-8c41-4a3e-9d7e-0f7a9c2b1d64',
    time: '2024-05-14T10:20:05.118293114+00:00',
    deviceInfo: {
      ...CHIRPSTACK_DEVICE_INFO,
      devEui: overrides.devEui ?? CHIRPSTACK_DEV_EUI,
      deviceClassEnabled: 'CLASS_A',
      tags: { district: 'north' },
    },
    devAddr: '00189440',
    adr: true,
    dr: 5,
    fCnt: 311,
    fPort: 1,
    confirmed: false,
    data: 'AUgC',
    ...(overrides.object === undefined && 'object' in overrides
      ? {}
      : { object: overrides.object ?? { fillingLevel: 0.72, batteryLevel: 3.6 } }),
    rxInfo: [
      {
        gatewayId: '0016c001f153a14c',
        uplinkId: 4217106255,
        rssi: -86,
        snr: 9.5,
        channel: 2,
        location: { latitude: 52.3676, longitude: 4.9041 },
        context: 'E3OWOQ==',
        metadata: { region_config_id: 'eu868', region_common_name: 'EU868' },
        crcStatus: 'CRC_OK',
      },
    ],
    txInfo: {
      frequency: 868500000,
      modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: 'CR_4_5' } },
    },
  };
}

/** A ChirpStack v4 `join` event (acknowledged and ignored). */
export const CHIRPSTACK_JOIN = {
  deduplicationId: 'c9dbe358-2578-4fb7-b295-66b44edc45a6',
  time: '2024-05-14T10:19:44.118293114+00:00',
  deviceInfo: { ...CHIRPSTACK_DEVICE_INFO },
  devAddr: '00189440',
};
