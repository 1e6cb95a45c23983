import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeIdValue,
  hasAdjacentPlaceholders,
  parseTemplate,
  renderTemplate,
} from './import-template.js';

function template(text: string) {
  const parsed = parseTemplate(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

describe('parseTemplate', () => {
  it('parseTemplate lists the fields of the placeholders once each', () => {
    const parsed = template('urn:ngsi-ld:Stop:{agency}:{code}:{agency}');
    assert.deepEqual(parsed.fields, ['agency', 'code']);
  });

  it('parseTemplate reports empty and unbalanced placeholders', () => {
    assert.match((parseTemplate('urn:x:{}') as { problem: string }).problem, /empty placeholder/);
    assert.match((parseTemplate('urn:x:{code') as { problem: string }).problem, /unbalanced/);
    assert.match((parseTemplate('urn:x:code}') as { problem: string }).problem, /unbalanced/);
  });
});

describe('renderTemplate', () => {
  const lookup = (values: Record<string, string>) => (field: string) => values[field];

  it('renderTemplate percent-encodes values that would break a URI when encoding', () => {
    const result = renderTemplate(
      template('urn:ngsi-ld:ParkingSpot:{code}'),
      lookup({ code: 'A 13/b#2' }),
      true,
    );
    assert.deepEqual(result, { value: 'urn:ngsi-ld:ParkingSpot:A%2013%2Fb%232' });
  });

  it('renderTemplate keeps colons of GTFS-style ids', () => {
    assert.equal(encodeIdValue('de:08111:6115'), 'de:08111:6115');
    assert.equal(encodeIdValue('Café'), 'Caf%C3%A9');
  });

  it('renderTemplate reports the first empty field instead of rendering an id without it', () => {
    const result = renderTemplate(template('urn:x:{a}:{b}'), lookup({ a: '1', b: '  ' }), true);
    assert.deepEqual(result, { emptyField: 'b' });
  });

  it('renderTemplate gives distinct ids to distinct values around a separator', () => {
    const stops = template('urn:ngsi-ld:GtfsStop:{agency}:{stop}');
    const id = (agency: string, stop: string) =>
      renderTemplate(stops, lookup({ agency, stop }), true);
    // Unencoded, both were urn:ngsi-ld:GtfsStop:a:b:c, one entity for two records.
    assert.deepEqual(id('a:b', 'c'), { value: 'urn:ngsi-ld:GtfsStop:a%3Ab:c' });
    assert.deepEqual(id('a', 'b:c'), { value: 'urn:ngsi-ld:GtfsStop:a:b:c' });
    const dashed = template('urn:x:{a}-{b}');
    const other = (a: string, b: string) => renderTemplate(dashed, lookup({ a, b }), true);
    assert.notDeepEqual(other('1-2', '3'), other('1', '2-3'));
    // The hex digits of an escape are not the separator.
    assert.equal(encodeIdValue('é:A', 'A'), '%C3%A9:%41');
  });

  it('renderTemplate reports a value no URI can hold instead of throwing', () => {
    const result = renderTemplate(template('urn:x:{a}'), lookup({ a: 'x\ud800y' }), true);
    assert.deepEqual(result, { invalidField: 'a' });
    const text = renderTemplate(template('{a}'), lookup({ a: 'x\ud800y' }), false);
    assert.deepEqual(text, { value: 'x\ud800y' });
  });

  it('hasAdjacentPlaceholders finds placeholders with nothing between them', () => {
    assert.equal(hasAdjacentPlaceholders(template('urn:x:{a}{b}')), true);
    assert.equal(hasAdjacentPlaceholders(template('urn:x:{a}:{b}')), false);
  });

  it('renderTemplate leaves values as they are when not encoding', () => {
    const result = renderTemplate(
      template('{street} {number}'),
      lookup({ street: 'Main St', number: '4' }),
      false,
    );
    assert.deepEqual(result, { value: 'Main St 4' });
  });
});
