import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, createContextKey } from '@opentelemetry/api';
import { stepContextManager, type StepContextManager } from './StepContextManager.js';

const KEY = createContextKey('test');
const named = (name: string) => ROOT_CONTEXT.setValue(KEY, name);
const nameOf = (manager: StepContextManager) => manager.active().getValue(KEY);
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('StepContextManager', () => {
  it('is exact inside with(), and root outside', () => {
    const manager = stepContextManager().enable();
    assert.equal(nameOf(manager), undefined);
    manager.with(named('a'), () => {
      assert.equal(nameOf(manager), 'a');
      manager.with(named('b'), () => assert.equal(nameOf(manager), 'b'));
      assert.equal(nameOf(manager), 'a');
    });
    assert.equal(nameOf(manager), undefined);
  });

  it('keeps a held context across native awaits, timers and handlers until released', async () => {
    const manager = stepContextManager().enable();
    const release = manager.hold(named('step'));
    await tick();
    await tick();
    assert.equal(nameOf(manager), 'step');
    const inTimer = await new Promise((resolve) => setTimeout(() => resolve(nameOf(manager)), 1));
    assert.equal(inTimer, 'step');
    const target = new EventTarget();
    let inHandler: unknown;
    target.addEventListener('go', () => (inHandler = nameOf(manager)));
    await tick();
    target.dispatchEvent(new Event('go'));
    assert.equal(inHandler, 'step');
    release();
    assert.equal(nameOf(manager), undefined);
  });

  it('prefers the exact context over the held one', () => {
    const manager = stepContextManager().enable();
    const release = manager.hold(named('step'));
    manager.with(named('fetch'), () => assert.equal(nameOf(manager), 'fetch'));
    release();
  });

  it('falls back to the latest open hold, and to the earlier one when that ends', () => {
    const manager = stepContextManager().enable();
    const releaseA = manager.hold(named('a'));
    const releaseB = manager.hold(named('b'));
    assert.equal(nameOf(manager), 'b');
    releaseB();
    releaseB();
    assert.equal(nameOf(manager), 'a');
    releaseA();
    assert.equal(nameOf(manager), undefined);
  });

  it('releases holds out of order', () => {
    const manager = stepContextManager().enable();
    const releaseA = manager.hold(named('a'));
    const releaseB = manager.hold(named('b'));
    releaseA();
    assert.equal(nameOf(manager), 'b');
    releaseB();
    assert.equal(nameOf(manager), undefined);
  });

  it('lists what is held, oldest first (ended with their spans when the page goes)', () => {
    const manager = stepContextManager().enable();
    const releaseA = manager.hold(named('a'));
    const releaseB = manager.hold(named('b'));
    assert.deepEqual(
      manager.held().map((held) => held.getValue(KEY)),
      ['a', 'b'],
    );
    releaseA();
    releaseA(); // Once is enough; again does nothing.
    assert.deepEqual(
      manager.held().map((held) => held.getValue(KEY)),
      ['b'],
    );
    releaseB();
    assert.deepEqual(manager.held(), []);
  });

  it('binds functions to a context, keeping this and the arguments', () => {
    const manager = stepContextManager().enable();
    const bound = manager.bind(named('bound'), () => nameOf(manager));
    assert.equal(bound(), 'bound');
    const target = {
      name: 'target',
      read: manager.bind(named('method'), function (this: { name: string }, suffix: string) {
        return `${this.name}${suffix} in ${nameOf(manager)}`;
      }),
    };
    assert.equal(target.read('!'), 'target! in method');
    assert.equal(nameOf(manager), undefined);
    const plain = { not: 'a function' };
    assert.equal(manager.bind(named('x'), plain), plain);
  });

  it('binds to the context active when bind() is called if none is given, as the SDK managers do', () => {
    const manager = stepContextManager().enable();
    const bound = manager.with(named('outer'), () => manager.bind(undefined as never, () => nameOf(manager)));
    assert.equal(bound(), 'outer');
  });

  it('passes this and the arguments through with(), and restores the outer context when it throws', () => {
    const manager = stepContextManager().enable();
    const self = { n: 2 };
    assert.equal(
      manager.with(
        named('a'),
        function (this: typeof self, x: number) {
          return this.n * x;
        },
        self,
        21,
      ),
      42,
    );
    assert.throws(
      () =>
        manager.with(named('a'), () => {
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.equal(nameOf(manager), undefined);
  });

  it('delegates with() to an inner manager when given one', () => {
    const inner = stepContextManager();
    let calls = 0;
    const innerWith = inner.with;
    inner.with = (...args) => {
      calls++;
      return innerWith(...args);
    };
    const manager = stepContextManager(inner).enable();
    manager.with(named('z'), () => assert.equal(nameOf(manager), 'z'));
    assert.equal(calls, 1);
  });

  it('gives root and forgets holds once disabled', () => {
    const manager = stepContextManager().enable();
    manager.hold(named('a'));
    manager.disable();
    assert.equal(nameOf(manager), undefined);
    manager.enable();
    assert.equal(nameOf(manager), undefined);
  });
});
