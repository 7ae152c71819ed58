import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { spillTo } from './spillTo.js';
import { spillFromEnv } from './spillFromEnv.js';
import { BATCH_ID_HEADER, MAX_SPILL_SHARDS, SPAN_COUNT_HEADER, SPILL_OBJECT_NAME, spillObjectName } from './spillProtocol.js';

/** A namespace whose object answers `status` (0: throws), recording each request and each stub made. */
function namespace(status: number) {
  const requests: Request[] = [];
  const names: string[] = [];
  let stubs = 0;
  return {
    requests,
    names,
    stubs: () => stubs,
    idFromName: (name: string) => {
      names.push(name);
      return { name };
    },
    get: () => {
      stubs += 1;
      return {
        fetch: async (request: Request) => {
          if (status === 0) throw new Error('Durable Object reset');
          requests.push(request);
          return new Response(null, { status });
        },
      };
    },
  };
}

const batch = { body: new Uint8Array([1, 2, 3]), contentType: 'application/json', contentEncoding: 'gzip', spanCount: 4, batchId: 'Q2hlY2tvdXQtYmF0Y2gtMQ' };

describe('spillTo', () => {
  it('posts the batch to the one spill object with what the store needs, and says it is held on 2xx', async () => {
    const ns = namespace(202);
    assert.equal(await spillTo(ns)(batch), true);
    assert.deepEqual(ns.names, [SPILL_OBJECT_NAME]);
    const [request] = ns.requests;
    assert.equal(request!.headers.get('content-type'), 'application/json');
    assert.equal(request!.headers.get('content-encoding'), 'gzip');
    assert.equal(request!.headers.get(SPAN_COUNT_HEADER), '4');
    assert.equal(request!.headers.get(BATCH_ID_HEADER), batch.batchId);
    assert.deepEqual(new Uint8Array(await request!.arrayBuffer()), batch.body);
  });

  it('makes a stub per call: workerd refuses I/O through a stub made in another request', async () => {
    const ns = namespace(202);
    const spill = spillTo(ns);
    await spill(batch);
    await spill(batch);
    assert.equal(ns.stubs(), 2);
  });

  it('says false, never throws, when the object refuses or cannot be reached', async () => {
    assert.equal(await spillTo(namespace(413))(batch), false);
    assert.equal(await spillTo(namespace(0))(batch), false);
  });

  it('with shards, a batch with an id always goes to the same shard (a repeat finds the shard that drops it), others spread; shard 0 is the unsharded object', async () => {
    const ns = namespace(202);
    let draw = 0;
    const spill = spillTo(ns, { shards: 4, random: () => [0.1, 0.3, 0.6, 0.9][draw++ % 4]! });
    for (let index = 0; index < 3; index += 1) await spill(batch);
    assert.equal(new Set(ns.names).size, 1, 'one batch id, one shard');
    ns.names.length = 0;
    for (let index = 0; index < 4; index += 1) await spill({ ...batch, batchId: undefined });
    assert.deepEqual(ns.names, [0, 1, 2, 3].map(spillObjectName));
    assert.equal(spillObjectName(0), SPILL_OBJECT_NAME);
    ns.names.length = 0;
    for (let index = 0; index < 200; index += 1) await spill({ ...batch, batchId: `batch-${index}` });
    assert.deepEqual(new Set(ns.names), new Set([0, 1, 2, 3].map(spillObjectName)), 'ids spread over every shard');
  });
});

describe('spillFromEnv', () => {
  it('is none without the binding, one object by default, and JOURNEYTRACE_SPILL_SHARDS spreads it; a bad value warns and is kept within 1 to 64', async () => {
    assert.equal(spillFromEnv({}), undefined);
    const names = async (shards: string | undefined) => {
      const ns = namespace(202);
      const spill = spillFromEnv({ JOURNEYTRACE_SPILL: ns, JOURNEYTRACE_SPILL_SHARDS: shards })!;
      for (let index = 0; index < 400; index += 1) await spill({ ...batch, batchId: undefined });
      return new Set(ns.names);
    };
    assert.deepEqual(await names(undefined), new Set([SPILL_OBJECT_NAME]));
    assert.equal((await names('3')).size, 3);
    assert.deepEqual(await names('not a number'), new Set([SPILL_OBJECT_NAME]));
    assert.deepEqual(await names('0'), new Set([SPILL_OBJECT_NAME]));
    assert.ok((await names('1000')).size <= MAX_SPILL_SHARDS);
  });
});
