/**
 * `@journeytrace/node` as an origin team gets it: `npm pack`ed, installed from the tarball (with
 * the contract's) into a fresh Node project beside the oldest `@opentelemetry/api` its peer range
 * allows, without hono or the Workers package, type-checked (strict) against the published
 * declarations, and run: a span through the retrying exporter reaches a receiver with the
 * journey's baggage promoted.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '@journeytrace/tooling/lib/run.js';
import { createConsumerProject, exportedFiles, lowestAllowed, readManifest, type ConsumerProject } from './consumerProject.js';

const manifest = readManifest('node-sdk');

const SERVICE = `import { createServer } from 'node:http';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { BaggageSpanProcessor, OTLPHttpSpanExporter, RetryingSpanExporter, W3CPropagator, log, type DropReport } from '@journeytrace/node';

const bodies: number[] = [];
const receiver = createServer((request, response) => {
  let bytes = 0;
  request.on('data', (chunk: Buffer) => (bytes += chunk.length));
  request.on('end', () => {
    bodies.push(bytes);
    response.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const port = (receiver.address() as { port: number }).port;
const drops: DropReport[] = [];
const exporter = new RetryingSpanExporter(new OTLPHttpSpanExporter({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:' + port } }), { onDrop: (report) => drops.push(report) });
const provider = new TracerProvider({ spanProcessors: [new BaggageSpanProcessor(), new BatchSpanProcessor({ exporter })] });
const parent = new W3CPropagator().extract(ROOT_CONTEXT, { baggage: 'session.id=s-1,user.tier=vip' }, { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key as keyof typeof carrier] });
const span = provider.getTracer('consumer').startSpan('checkout', {}, parent);
span.end();
await provider.shutdown();
receiver.close();
log('done', { spans: bodies.length, drops: drops.length, baggage: propagation.getBaggage(parent)?.getAllEntries().length, active: context.active() === ROOT_CONTEXT });
`;

describe('@journeytrace/node, packed and installed into a new Node project', () => {
  let project: ConsumerProject;
  before(async () => {
    project = await createConsumerProject('node-sdk', {
      '@opentelemetry/api': lowestAllowed(manifest.peerDependencies['@opentelemetry/api']),
      '@opentelemetry/sdk-trace': '3.0.0',
      '@types/node': '^24.19.0',
    });
    project.write('service.ts', SERVICE);
  });
  after(() => project?.remove());

  it('ships the built modules and their declarations', () => {
    for (const file of exportedFiles(manifest)) assert.ok(project.packedFiles.includes(file), `${file} is in the package`);
  });

  it('needs neither the Workers package nor hono', () => {
    assert.equal(existsSync(join(project.dir, 'node_modules/@journeytrace/edge')), false);
    assert.equal(existsSync(join(project.dir, 'node_modules/hono')), false);
    assert.equal(existsSync(join(project.dir, 'node_modules/@journeytrace/contract/package.json')), true, 'the contract comes with it');
  });

  it('type-checks strictly against the published declarations', async () => {
    const checked = await project.typecheck(['service.ts'], { types: ['node'], module: 'nodenext', moduleResolution: 'nodenext' });
    assert.equal(checked.code, 0, checked.output);
  });

  it('runs: the span reaches the receiver through the retrying exporter, nothing dropped', async () => {
    const ran = await run(process.execPath, ['--experimental-strip-types', '--no-warnings', 'service.ts'], {
      cwd: project.dir,
      logFile: join(project.dir, 'service.log'),
    });
    assert.equal(ran.code, 0, ran.output);
    const line = JSON.parse(ran.output.trim().split('\n').at(-1)!) as { msg: string; spans: number; drops: number; baggage: number };
    assert.deepEqual({ msg: line.msg, spans: line.spans, drops: line.drops, baggage: line.baggage }, { msg: 'done', spans: 1, drops: 0, baggage: 2 });
  });
});
