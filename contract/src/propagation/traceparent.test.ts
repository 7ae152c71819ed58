import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTraceParent, parseTraceParent } from './traceparent.js';

const TRACE_ID = '12345678901234567890123456789012';
const PARENT_ID = '1234567890123456';

describe('parseTraceParent', () => {
  it('reads a version-00 header from the spec', () => {
    assert.deepEqual(parseTraceParent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), {
      version: '00',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      parentId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
  });

  it('keeps the Level 2 random flag and clears unknown flags', () => {
    assert.equal(parseTraceParent(`00-${TRACE_ID}-${PARENT_ID}-03`)?.traceFlags, 0x03);
    assert.equal(parseTraceParent(`00-${TRACE_ID}-${PARENT_ID}-02`)?.traceFlags, 0x02);
    assert.equal(parseTraceParent(`00-${TRACE_ID}-${PARENT_ID}-ff`)?.traceFlags, 0x03);
    assert.equal(parseTraceParent(`00-${TRACE_ID}-${PARENT_ID}-00`)?.traceFlags, 0x00);
  });

  it('trims optional white space (spaces and tabs) around the value', () => {
    for (const header of [
      ` 00-${TRACE_ID}-${PARENT_ID}-01`,
      `\t00-${TRACE_ID}-${PARENT_ID}-01`,
      `00-${TRACE_ID}-${PARENT_ID}-01 `,
      `\t 00-${TRACE_ID}-${PARENT_ID}-01 \t`,
    ]) {
      assert.equal(parseTraceParent(header)?.traceId, TRACE_ID, JSON.stringify(header));
    }
  });

  it('parses future versions on the fields it knows', () => {
    assert.equal(parseTraceParent(`cc-${TRACE_ID}-${PARENT_ID}-01`)?.traceId, TRACE_ID);
    assert.equal(parseTraceParent(`cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`)?.traceId, TRACE_ID);
    assert.equal(parseTraceParent(`cc-${TRACE_ID}-${PARENT_ID}-01.what-the-future-will-be-like`), null);
    assert.equal(parseTraceParent(`01-${TRACE_ID}-${PARENT_ID}-09`)?.traceFlags, 0x01);
  });

  const invalid: Array<[string, string]> = [
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with a trailing character', `00-${TRACE_ID}-${PARENT_ID}-01.`],
    ['version 00 with a future tail', `00-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`],
    ['illegal version characters', `.0-${TRACE_ID}-${PARENT_ID}-01`],
    ['version too long', `000-${TRACE_ID}-${PARENT_ID}-01`],
    ['version too short', `0-${TRACE_ID}-${PARENT_ID}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['illegal trace id characters', `00-.2345678901234567890123456789012-${PARENT_ID}-01`],
    ['trace id too long', `00-123456789012345678901234567890123-${PARENT_ID}-01`],
    ['trace id too short', `00-1234567890123456789012345678901-${PARENT_ID}-01`],
    ['parent id too long', `00-${TRACE_ID}-12345678901234567-01`],
    ['parent id too short', `00-${TRACE_ID}-123456789012345-01`],
    ['illegal flag characters', `00-${TRACE_ID}-${PARENT_ID}-.0`],
    ['flags too long', `00-${TRACE_ID}-${PARENT_ID}-001`],
    ['flags too short', `00-${TRACE_ID}-${PARENT_ID}-1`],
    ['uppercase hex', `00-${TRACE_ID.toUpperCase().replace('1', 'A')}-${PARENT_ID}-01`],
    ['uppercase version', `0A-${TRACE_ID}-${PARENT_ID}-01`],
    ['two headers joined by a comma', `00-${TRACE_ID}-${PARENT_ID}-01, 00-${TRACE_ID.replace('2', '3')}-${PARENT_ID}-01`],
    ['two future-version headers joined', `cc-${TRACE_ID}-${PARENT_ID}-01,cc-${TRACE_ID}-${PARENT_ID}-01`],
    ['a line break inside', `00-${TRACE_ID}-${PARENT_ID}-01\n`],
    ['empty', ''],
    ['oversized', `00-${TRACE_ID}-${PARENT_ID}-01${'x'.repeat(100_000)}`],
  ];
  for (const [label, header] of invalid) {
    it(`rejects ${label}`, () => assert.equal(parseTraceParent(header), null));
  }
});

describe('formatTraceParent', () => {
  it('writes version 00 with only the known flags', () => {
    assert.equal(formatTraceParent(TRACE_ID, PARENT_ID, 0x01), `00-${TRACE_ID}-${PARENT_ID}-01`);
    assert.equal(formatTraceParent(TRACE_ID, PARENT_ID, 0x03), `00-${TRACE_ID}-${PARENT_ID}-03`);
    assert.equal(formatTraceParent(TRACE_ID, PARENT_ID, 0xff), `00-${TRACE_ID}-${PARENT_ID}-03`);
  });
});
