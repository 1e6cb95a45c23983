import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.loader.js';
import { DEFAULT_DENIED_NETWORKS } from './network-list.js';

const noFile = join(tmpdir(), 'civis-no-such-dir', 'civis.config.json');

describe('loadConfig', () => {
  it('loadConfig returns the defaults when nothing is given', () => {
    const config = loadConfig({ env: {}, configFile: undefined, flags: {} });
    assert.equal(config.port, 1026);
    assert.equal(config.dataDir, './data');
    assert.equal(config.databaseUrl, undefined);
  });

  it('loadConfig layers defaults < file < environment < flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'civis-config-'));
    const file = join(dir, 'civis.config.json');
    writeFileSync(file, JSON.stringify({ port: 2000, dataDir: '/from-file', logLevel: 'warn' }));
    const config = loadConfig({
      configFile: file,
      env: { CIVIS_PORT: '3000', CIVIS_DATA_DIR: '/from-env' },
      flags: { port: '4000' },
    });
    assert.equal(config.port, 4000);
    assert.equal(config.dataDir, '/from-env');
    assert.equal(config.logLevel, 'warn');
  });

  it('loadConfig lists every problem at once', () => {
    assert.throws(
      () =>
        loadConfig({
          configFile: noFile,
          env: {
            CIVIS_PORT: 'eighty',
            CIVIS_DATABASE_URL: 'mysql://x',
            CIVIS_UPDATE_APPENDS_MISSING_ATTRIBUTES: 'maybe',
          },
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 4);
        assert.match(error.message, /CIVIS_PORT: port must be a port number/);
        assert.match(error.message, /postgres:\/\//);
        assert.match(error.message, /does not exist/);
        return true;
      },
    );
  });

  it('loadConfig takes CIVIS_BUS_URL as nats:// or tls:// URLs and refuses others', () => {
    const bus = (value: string) => loadConfig({ env: {}, flags: { busUrl: value } }).busUrl;
    assert.equal(
      loadConfig({ env: { CIVIS_BUS_URL: 'nats://a:4222,tls://b:4222' } }).busUrl,
      'nats://a:4222,tls://b:4222',
    );
    assert.equal(loadConfig({ env: {} }).busUrl, undefined);
    assert.throws(() => bus('http://a:4222'), /busUrl must be nats:\/\/host:port/);
  });

  it('loadConfig takes a JetStream stream name in CIVIS_BUS_STREAM and refuses others', () => {
    assert.equal(loadConfig({ env: {} }).busStream, 'CIVIS_CHANGES');
    assert.equal(loadConfig({ env: { CIVIS_BUS_STREAM: 'city-b_2' } }).busStream, 'city-b_2');
    for (const bad of ['a.b', 'a b', 'x>', '*'])
      assert.throws(
        () => loadConfig({ env: { CIVIS_BUS_STREAM: bad } }),
        /busStream must be 1–64 letters/,
      );
  });

  it('loadConfig reads CIVIS_NOTIFICATION_DENIED_NETWORKS as CIDR blocks, none or the default', () => {
    const denied = (value?: string) =>
      loadConfig({ env: value === undefined ? {} : { CIVIS_NOTIFICATION_DENIED_NETWORKS: value } })
        .notificationDeniedNetworks;
    assert.ok(denied().includes('169.254.0.0/16'));
    assert.ok(!denied().includes('127.0.0.0/8'));
    assert.deepEqual(denied('10.0.0.0/8, fc00::/7'), ['10.0.0.0/8', 'fc00::/7']);
    assert.deepEqual(denied('none'), []);
    assert.throws(() => denied('10.0.0.0/40'), /CIVIS_NOTIFICATION_DENIED_NETWORKS/);
  });

  it('loadConfig reads CIVIS_CONTEXT_DENIED_NETWORKS as CIDR blocks, none or the default', () => {
    const denied = (value?: string) =>
      loadConfig({ env: value === undefined ? {} : { CIVIS_CONTEXT_DENIED_NETWORKS: value } })
        .contextDeniedNetworks;
    assert.deepEqual(denied(), DEFAULT_DENIED_NETWORKS);
    assert.deepEqual(denied('127.0.0.0/8,::1'), ['127.0.0.0/8', '::1/128']);
    assert.deepEqual(denied('none'), []);
    assert.throws(() => denied('localhost'), /CIVIS_CONTEXT_DENIED_NETWORKS/);
  });

  it('loadConfig rejects unknown settings and malformed JSON in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'civis-config-'));
    const unknown = join(dir, 'a.json');
    writeFileSync(unknown, JSON.stringify({ prot: 1 }));
    assert.throws(() => loadConfig({ configFile: unknown, env: {} }), /unknown setting 'prot'/);
    const broken = join(dir, 'b.json');
    writeFileSync(broken, '{ port: ');
    assert.throws(() => loadConfig({ configFile: broken, env: {} }), ConfigError);
  });

  it('loadConfig errors never show the password of a URL setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'civis-config-'));
    const file = join(dir, 'civis.config.json');
    writeFileSync(file, '{"port": 1, "databaseUrl": postgres://civis:fileSecret@db/civis}');
    assert.throws(
      () =>
        loadConfig({
          configFile: file,
          env: {
            CIVIS_DATABASE_URL: 'mysql://civis:dbSecret@db/civis',
            CIVIS_BUS_URL: 'nats://n1:4222,amqp://bus:busSecret@n2',
            CIVIS_MQTT_URL: 'http://mqtt:mqttSecret@broker:1883',
          },
          flags: { busUrl: 'nats://busToken@n1:4222,ftp://x' },
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 5);
        for (const secret of ['fileSecret', 'dbSecret', 'busSecret', 'mqttSecret', 'busToken'])
          assert.ok(!error.message.includes(secret), `${secret} in ${error.message}`);
        assert.match(error.message, /got "mysql:\/\/civis:\*\*\*@db\/civis"/);
        assert.match(error.message, /got "nats:\/\/\*\*\*@n1:4222,ftp:\/\/x"/);
        assert.match(error.message, /civis\.config\.json: not valid JSON: Unexpected token/);
        return true;
      },
    );
  });

  it('loadConfig refuses a default page size above the maximum', () => {
    assert.throws(
      () => loadConfig({ env: { CIVIS_DEFAULT_PAGE_SIZE: '50', CIVIS_MAX_PAGE_SIZE: '10' } }),
      /must not exceed/,
    );
  });
});
