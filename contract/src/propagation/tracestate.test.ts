import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTraceState } from './tracestate.js';

const members = (count: number, from = 1) =>
  Array.from({ length: count }, (_, i) => `bar${String(from + i).padStart(2, '0')}=${String(from + i).padStart(2, '0')}`).join(',');

describe('parseTraceState', () => {
  it('reads the spec example and keeps order', () => {
    const state = parseTraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    assert.equal(state?.get('rojo'), '00f067aa0ba902b7');
    assert.equal(state?.get('congo'), 't61rcWkgMzE');
    assert.equal(state?.serialize(), 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
  });

  it('joins several headers (arriving comma-joined) and skips empty members', () => {
    assert.equal(parseTraceState('foo=1,bar=2, rojo=1,congo=2, baz=3')?.serialize(), 'foo=1,bar=2,rojo=1,congo=2,baz=3');
    assert.equal(parseTraceState('foo=1, ')?.serialize(), 'foo=1');
    assert.equal(parseTraceState(', foo=1')?.serialize(), 'foo=1');
    assert.equal(parseTraceState(''), undefined);
  });

  it('trims optional white space around members', () => {
    assert.equal(parseTraceState('foo=1 \t , \t bar=2, \t baz=3')?.serialize(), 'foo=1,bar=2,baz=3');
    assert.equal(parseTraceState('\t foo=1 \t')?.get('foo'), '1');
  });

  it('accepts every allowed character', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
    const value = [
      [0x20, 0x2b],
      [0x2d, 0x3c],
      [0x3e, 0x7e],
    ]
      .flatMap(([from, to]) => Array.from({ length: to! - from! + 1 }, (_, i) => String.fromCharCode(from! + i)))
      .join('');
    assert.equal(parseTraceState(`${key}=${value}`)?.get(key), value);
    assert.equal(parseTraceState(`${key}@a-z0-9_-*/=${value}`)?.get(`${key}@a-z0-9_-*/`), value);
  });

  // Level 2 key grammar (editor's draft, 2026): key = ( lcalpha / DIGIT ) 0*255 keychar, with
  // keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@". No tenant@system split any more.
  it('accepts keys of the Level 2 grammar: a digit first, @ anywhere after the first character', () => {
    for (const key of ['foo@', 'foo@@bar', 'foo@bar@baz', '0abc', '9', 'a', '1@2@3', `${'t'.repeat(242)}@v`, `t@${'v'.repeat(15)}`, `a${'@'.repeat(255)}`]) {
      assert.equal(parseTraceState(`${key}=1,bar=2`)?.get(key), '1', key);
      assert.equal(parseTraceState('bar=2')?.set(key, '1').get(key), '1', `set ${key}`);
    }
  });

  it('accepts 32 members and drops a list of 33', () => {
    assert.equal(parseTraceState(members(32))?.size, 32);
    assert.equal(parseTraceState(members(33)), undefined);
  });

  it('accepts keys at their length limits and drops the list beyond them', () => {
    assert.equal(parseTraceState(`foo=1,${'z'.repeat(256)}=1`)?.get('foo'), '1');
    assert.equal(parseTraceState(`foo=1,${'z'.repeat(257)}=1`), undefined);
    assert.equal(parseTraceState(`foo=1,${'t'.repeat(241)}@${'v'.repeat(14)}=1`)?.get('foo'), '1');
    assert.equal(parseTraceState(`foo=1,${'t'.repeat(250)}@${'v'.repeat(5)}=1`)?.get('foo'), '1'); // 256 in all
    assert.equal(parseTraceState(`foo=1,${'t'.repeat(250)}@${'v'.repeat(6)}=1`), undefined); // 257
    assert.equal(parseTraceState(`foo=${'v'.repeat(256)}`)?.get('foo')?.length, 256);
    assert.equal(parseTraceState(`foo=${'v'.repeat(257)}`), undefined);
  });

  it('keeps a list with a duplicated key, passing on only its first (left-most, latest) entry', () => {
    // Level 2: duplicates do not invalidate a received list; a vendor MAY drop them, and what it
    // sends on MUST NOT hold the same key twice.
    assert.equal(parseTraceState('foo=1,foo=1')?.serialize(), 'foo=1');
    assert.equal(parseTraceState('foo=1,foo=2')?.serialize(), 'foo=1');
    assert.equal(parseTraceState('congo=2,rojo=1,congo=1')?.serialize(), 'congo=2,rojo=1');
    assert.equal(parseTraceState('foo=1,bar=2, foo=3')?.get('foo'), '1'); // several headers, comma-joined
    // Duplicates are list-members: 33 of them are still a list too long.
    assert.equal(parseTraceState(Array.from({ length: 33 }, () => 'foo=1').join(',')), undefined);
  });

  for (const header of [
    'foo =1',
    'FOO=1',
    'foo.bar=1',
    '@foo=1,bar=2',
    '_foo=1,bar=2',
    'foo=bar=baz',
    `${'z'.repeat(257)}=1`,
    'foo=,bar=3',
    'foo',
    '=1',
    'foo=1\u00e9',
    'foo=1 2,bar=2\n',
  ]) {
    it(`drops the whole invalid list ${JSON.stringify(header)}`, () => assert.equal(parseTraceState(header), undefined));
  }

  it('survives a hostile, oversized header', () => {
    assert.equal(parseTraceState('a=1,'.repeat(100_000)), undefined);
    assert.equal(parseTraceState(','.repeat(100_000)), undefined);
  });
});

describe('W3CTraceState', () => {
  it('moves a set key to the front and ignores invalid updates', () => {
    const state = parseTraceState('foo=1,bar=2')!;
    assert.equal(state.set('bar', '3').serialize(), 'bar=3,foo=1');
    assert.equal(state.set('BAD', '3').serialize(), 'foo=1,bar=2');
    assert.equal(state.set('ok', 'a,b').serialize(), 'foo=1,bar=2');
    assert.equal(state.unset('foo').serialize(), 'bar=2');
  });

  it('limits the serialized header to 512 characters, long members first', () => {
    const long = `long=${'x'.repeat(200)}`;
    const short = Array.from({ length: 30 }, (_, i) => `k${String(i).padStart(2, '0')}=${'y'.repeat(10)}`);
    const state = parseTraceState([short[0], long, ...short.slice(1)].join(','))!;
    const serialized = state.serialize();
    assert.ok(serialized.length <= 512, String(serialized.length));
    assert.ok(!serialized.includes('long='), 'the long member goes first');
    assert.ok(serialized.startsWith('k00='));
    assert.equal(serialized.split(',').length, 30);
  });
});
