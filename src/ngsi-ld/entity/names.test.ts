import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest } from './entity.fixtures.js';
import {
  assertAttributeName,
  assertDateTime,
  assertUri,
  isValidAttributeName,
  isValidTypeName,
} from './names.js';

describe('isValidTypeName (NGSI-LD 4.6.2, data-model.md §7)', () => {
  it('isValidTypeName accepts short names, prefix:name and absolute URIs', () => {
    for (const name of [
      'Vehicle',
      'brand_name',
      'v2',
      'ex:Vehicle',
      'https://example.org/T',
      'urn:x:y',
    ]) {
      assert.equal(isValidTypeName(name), true, name);
    }
  });

  it('isValidTypeName accepts Unicode letters and digits', () => {
    for (const name of ['Straße', 'température', 'Температура', '温度', 'área_2']) {
      assert.equal(isValidTypeName(name), true, name);
    }
  });

  it('isValidTypeName rejects spaces, dashes, forbidden characters and a leading digit', () => {
    for (const name of [
      '',
      'a b',
      'brand-name',
      '2fast',
      '_x',
      'a<b',
      'a"b',
      "a'b",
      'a=b',
      'a;b',
      'a(b)',
      42,
      null,
    ]) {
      assert.equal(isValidTypeName(name), false, String(name));
    }
  });
});

describe('isValidAttributeName (data-model.md §7)', () => {
  it('isValidAttributeName rejects reserved core members', () => {
    for (const name of [
      'id',
      'type',
      'scope',
      'value',
      'object',
      'observedAt',
      'datasetId',
      'createdAt',
      'languageMap',
      'vocab',
      'json',
    ]) {
      assert.equal(isValidAttributeName(name), false, name);
    }
  });

  it('isValidAttributeName accepts the predefined GeoProperty names', () => {
    assert.equal(isValidAttributeName('location'), true);
    assert.equal(isValidAttributeName('observationSpace'), true);
  });

  it('assertAttributeName says that a reserved name is reserved', () => {
    assert.throws(
      () => assertAttributeName('observedAt', "attribute 'observedAt'"),
      badRequest(/reserved/),
    );
  });

  it('assertAttributeName says that a malformed name is invalid', () => {
    assert.throws(
      () => assertAttributeName('bad name', "attribute 'bad name'"),
      badRequest(/invalid attribute name/),
    );
  });
});

describe('assertUri (errors.md §6)', () => {
  it('assertUri returns absolute URIs unchanged', () => {
    for (const uri of [
      'urn:ngsi-ld:Vehicle:A4567',
      'http://example.org/a?b=c#d',
      'urn:ngsi-ld:null',
    ]) {
      assert.equal(assertUri(uri, 'id'), uri);
    }
  });

  it('assertUri rejects non-URIs with 400 BadRequestData naming the place', () => {
    for (const value of [
      'abc',
      '',
      'urn:',
      ':x',
      '1urn:x',
      'urn:a b',
      'urn:a\u0000b',
      42,
      null,
      {},
      ['urn:a'],
    ]) {
      assert.throws(
        () => assertUri(value, 'entity id'),
        badRequest(/^entity id must be an absolute URI/),
        String(value),
      );
    }
  });
});

describe('assertDateTime (NGSI-LD 4.6.3, data-model.md §7)', () => {
  it('assertDateTime accepts UTC DateTimes with 0 to 6 fraction digits', () => {
    for (const value of [
      '2018-08-01T12:03:00Z',
      '2018-08-01T12:03:00.1Z',
      '2018-08-01T12:03:00.123456Z',
      '2024-02-29T23:59:59Z',
    ]) {
      assert.equal(assertDateTime(value, 'observedAt'), value);
    }
  });

  it('assertDateTime normalises a comma fraction separator to a dot', () => {
    assert.equal(assertDateTime('2018-08-01T12:03:00,5Z', 'observedAt'), '2018-08-01T12:03:00.5Z');
  });

  it('assertDateTime rejects offsets, a missing Z, reduced forms and 7 fraction digits', () => {
    for (const value of [
      '2018-08-01T12:03:00+02:00',
      '2018-08-01T12:03:00',
      '2018-08-01',
      '2018-08-01T12:03Z',
      '2018-08-01T12:03:00.1234567Z',
      '2018-08-01 12:03:00Z',
      20180801,
      null,
    ]) {
      assert.throws(
        () => assertDateTime(value, 'observedAt'),
        badRequest(/^observedAt must be a UTC DateTime/),
        String(value),
      );
    }
  });

  it('assertDateTime rejects impossible calendar dates and times', () => {
    for (const value of [
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2018-04-31T00:00:00Z',
      '2018-13-01T00:00:00Z',
      '2018-00-10T00:00:00Z',
      '2018-01-00T00:00:00Z',
      '2018-01-01T24:00:00Z',
      '2018-01-01T00:60:00Z',
      '2018-01-01T00:00:60Z',
    ]) {
      assert.throws(() => assertDateTime(value, 'observedAt'), badRequest(), value);
    }
  });

  it('assertDateTime accepts 29 February of a leap year divisible by 400', () => {
    assert.equal(assertDateTime('2000-02-29T00:00:00Z', 'x'), '2000-02-29T00:00:00Z');
  });
});
