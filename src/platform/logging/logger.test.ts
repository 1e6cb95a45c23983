import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, stream };
}

describe('createLogger', () => {
  it('createLogger hides the credentials of URL settings, at the top or one level down', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.info(
      {
        databaseUrl: 'postgres://civis:dbSecret@db:5432/civis',
        config: { busUrl: 'nats://busToken@nats:4222', mqttUrl: 'mqtt://dev:mqttSecret@broker' },
      },
      'starting',
    );
    const [line] = lines();
    const text = JSON.stringify(line);
    for (const secret of ['dbSecret', 'busToken', 'mqttSecret']) assert.ok(!text.includes(secret));
    assert.equal(line?.['databaseUrl'], 'postgres://civis:***@db:5432/civis');
    assert.deepEqual(line?.['config'], {
      busUrl: 'nats://***@nats:4222',
      mqttUrl: 'mqtt://dev:***@broker',
    });
  });

  it('createLogger replaces passwords and authorization headers whole', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info(
      { req: { headers: { authorization: 'Bearer x' } }, device: { password: 'p' } },
      'request',
    );
    const [line] = lines();
    assert.deepEqual(line?.['req'], { headers: { authorization: '[redacted]' } });
    assert.deepEqual(line?.['device'], { password: '[redacted]' });
  });
});
