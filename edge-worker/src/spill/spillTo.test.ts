import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { spillTo } from './spillTo.js';
import { BATCH_ID_HEADER, SPAN_COUNT_HEADER, SPILL_OBJECT_NAME } from './spillProtocol.js';

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
});
