import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  VALUE_CONVERSIONS,
  applyValueExpression,
  valueExpressionProblems,
} from './value-expression.js';

describe('value expressions', () => {
  it('applyValueExpression applies convert, multiply, add, round, then min/max', () => {
    assert.equal(applyValueExpression(212, { convert: 'fahrenheitToCelsius' }), 100);
    assert.equal(applyValueExpression(10, { multiply: 0.1, add: 2 }), 3);
    assert.equal(applyValueExpression(1.005, { round: 2 }), 1.01);
    assert.equal(applyValueExpression(-1.005, { round: 2 }), -1.01);
    assert.equal(applyValueExpression(150, { max: 100 }), 100);
    assert.equal(applyValueExpression(-5, { min: 0 }), 0);
    assert.equal(applyValueExpression(1234, { convert: 'whToKwh', round: 1 }), 1.2);
    assert.equal(applyValueExpression(1e-7, { round: 3 }), 0);
  });

  it('applyValueExpression gives undefined when the result is not finite', () => {
    assert.equal(applyValueExpression(1e308, { multiply: 1e10 }), undefined);
  });

  it('valueExpressionProblems accepts the documented members and lists every fault', () => {
    assert.deepEqual(
      valueExpressionProblems({ convert: 'mphToKmh', round: 0, min: 0, max: 300 }),
      [],
    );
    assert.deepEqual(valueExpressionProblems(null), ['expression must be an object']);
    const problems = valueExpressionProblems({
      convert: 'toString',
      multiply: '2',
      round: 1.5,
      min: 5,
      max: 1,
      eval: 'process.exit()',
    });
    assert.equal(problems.length, 5);
    assert.match(problems.join('\n'), /convert must be one of/);
    assert.match(problems.join('\n'), /eval is not a known member/);
  });

  it('every documented conversion is a finite function of a finite number', () => {
    for (const [name, convert] of Object.entries(VALUE_CONVERSIONS))
      assert.ok(Number.isFinite(convert(42)), name);
  });
});
