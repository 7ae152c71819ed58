import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QUERY_TEXT_MAX_LENGTH, sanitizeSql, sqlOperation } from './sqlText.js';

describe('sanitizeSql', () => {
  it('replaces string, number and hex literals with ?, keeps placeholders and identifiers', () => {
    assert.equal(
      sanitizeSql("SELECT * FROM users WHERE email = 'ann@example.com' AND age > 42 AND t2.id = ?1 AND blob = X'0aff' AND n = 0x1F AND s = :name"),
      'SELECT * FROM users WHERE email = ? AND age > ? AND t2.id = ?1 AND blob = ? AND n = ? AND s = :name',
    );
  });
  it("keeps nothing of a literal with '' escapes, negative or decimal numbers, or an unterminated quote", () => {
    assert.equal(sanitizeSql("INSERT INTO notes VALUES ('it''s Ann', -3.5e2)"), 'INSERT INTO notes VALUES (?, ?)');
    assert.equal(sanitizeSql("SELECT 'secret"), 'SELECT ?');
  });
  it('collapses whitespace and bounds the length', () => {
    assert.equal(sanitizeSql('  SELECT\n  1\t'), 'SELECT ?');
    const long = `SELECT ${'a, '.repeat(5000)}b FROM t`;
    assert.equal(sanitizeSql(long).length, QUERY_TEXT_MAX_LENGTH);
  });
});

describe('sqlOperation', () => {
  it('is the command keyword, upper-cased, after comments', () => {
    assert.equal(sqlOperation('select 1'), 'SELECT');
    assert.equal(sqlOperation('-- note\n /* x */ insert into t values (?)'), 'INSERT');
    assert.equal(sqlOperation('  '), undefined);
    assert.equal(sqlOperation('(SELECT 1)'), undefined);
  });
});
