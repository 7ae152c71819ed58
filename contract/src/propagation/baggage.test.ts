import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBaggage, serializeBaggage } from './baggage.js';

describe('parseBaggage', () => {
  it('reads the spec examples: percent-decoding, white space, properties', () => {
    assert.deepEqual(parseBaggage('userId=alice,serverNode=DF%2028,isProduction=false'), [
      { key: 'userId', value: 'alice' },
      { key: 'serverNode', value: 'DF 28' },
      { key: 'isProduction', value: 'false' },
    ]);
    assert.deepEqual(parseBaggage('key1 = value1 ; property1 ; propertyKey=propertyValue , key2=%E2%82%AC'), [
      { key: 'key1', value: 'value1', properties: 'property1;propertyKey=propertyValue' },
      { key: 'key2', value: '€' },
    ]);
  });

  it('skips bad members on their own and never throws', () => {
    assert.deepEqual(parseBaggage('ok=1,bad key=2,=3,noequals,bad=%E2%82,quote="x",also=ok;bad prop,fine=2,sp=a b'), [
      { key: 'ok', value: '1' },
      { key: 'fine', value: '2' },
    ]);
    assert.deepEqual(parseBaggage(''), []);
    assert.deepEqual(parseBaggage(',,,'), []);
    assert.deepEqual(parseBaggage('%%%=%%%'), []);
  });

  it('reads keys in one canonical form: percent-decoded once, then a plain token', () => {
    // A Node reader (@opentelemetry/core) decodes keys: the edge must see the key it will see.
    assert.deepEqual(parseBaggage('user%2Etier=vip,enduser%2eid=victim,%73ession.id=s1'), [
      { key: 'user.tier', value: 'vip' },
      { key: 'enduser.id', value: 'victim' },
      { key: 'session.id', value: 's1' },
    ]);
    // Still encoded after one decode (double encoding), not a token once decoded, or malformed: dropped.
    assert.deepEqual(parseBaggage('user%252Etier=vip,a%20b=1,a%2Cb=2,bad%zz=3,bad%=4,%C0%AE=5,ok=6'), [{ key: 'ok', value: '6' }]);
    assert.deepEqual(parseBaggage(' user%2Etier = vip ;p=1'), [{ key: 'user.tier', value: 'vip', properties: 'p=1' }]);
  });

  it('keeps at most 180 members', () => {
    const header = Array.from({ length: 200 }, (_, i) => `k${i}=${i}`).join(',');
    const members = parseBaggage(header);
    assert.equal(members.length, 180);
    assert.equal(members.at(-1)?.key, 'k179');
  });

  it('keeps only whole members within 8192 bytes', () => {
    const member = `k=${'v'.repeat(1000)}`; // 1002 bytes, 1003 with its comma
    const header = Array.from({ length: 10 }, () => member).join(','); // 10029 bytes
    const members = parseBaggage(header);
    assert.equal(members.length, 8); // 8 * 1003 - 1 = 8023 bytes fit, the 9th would end past 8192
    assert.ok(members.every((m) => m.value.length === 1000));
    assert.deepEqual(parseBaggage(`k=${'v'.repeat(9000)}`), []);
    assert.equal(parseBaggage('a=1,'.repeat(1_000_000)).length, 180);
  });
});

describe('serializeBaggage', () => {
  it('writes only canonical keys: a key with % is never sent on', () => {
    assert.equal(
      serializeBaggage([
        { key: 'user%2Etier', value: 'vip' },
        { key: 'session.id', value: 's1' },
      ]),
      'session.id=s1',
    );
  });

  it('percent-encodes values and keeps properties', () => {
    assert.equal(
      serializeBaggage([
        { key: 'user.tier', value: 'gold plus,=;' },
        { key: 'session.id', value: 's1', properties: 'ttl=60' },
      ]),
      'user.tier=gold%20plus%2C%3D%3B,session.id=s1;ttl=60',
    );
  });

  it('round-trips through the parser', () => {
    const members = [
      { key: 'a', value: 'x y€,;=%' },
      { key: 'b', value: '' },
    ];
    assert.deepEqual(parseBaggage(serializeBaggage(members)), members);
  });

  it('drops invalid keys and stays within the limits', () => {
    assert.equal(
      serializeBaggage([
        { key: 'bad key', value: '1' },
        { key: 'ok', value: '1' },
      ]),
      'ok=1',
    );
    const many = Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    assert.equal(serializeBaggage(many).split(',').length, 180);
    const big = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(1000) }));
    assert.ok(new TextEncoder().encode(serializeBaggage(big)).length <= 8192);
  });
});
