/**
 * Browser bundle size: the web SDK's npm entry against stock OpenTelemetry web with the same
 * instrumentation (sdk-trace-web, instrumentation-fetch, context-zone, OTLP/HTTP exporter,
 * W3C propagators), each bundled the same way (esbuild, ESM, minified, ES2016) and gzipped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ROOT } from '../scripts/lib/paths.js';
import type { BenchSection } from './types.js';

const STOCK_ENTRY = `
import { ZoneContextManager } from '@opentelemetry/context-zone';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';
const provider = new WebTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register({ contextManager: new ZoneContextManager(), propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }) });
registerInstrumentations({ instrumentations: [new FetchInstrumentation()] });
`;

const SDK_ENTRY = `
import { init } from 'journeytrace';
init({ serviceName: 'bench', propagateTo: ['https://edge.example'] }).step('x', () => fetch('/'));
`;

async function gzipSize(source: string, dir: string): Promise<number> {
  const entry = join(dir, `entry-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(entry, source);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2016',
    platform: 'browser',
    write: false,
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

export default async function bundleSize(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'jt-bench-'));
  try {
    const [sdk, stock] = await Promise.all([gzipSize(SDK_ENTRY, dir), gzipSize(STOCK_ENTRY, dir)]);
    const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    return {
      title: 'Browser bundle size (min + gzip)',
      command: 'npm run bench -- bundle-size',
      versions: `journeytrace ${version('journeytrace')}; @opentelemetry/sdk-trace-web ${version('@opentelemetry/sdk-trace-web')}, instrumentation-fetch ${version('@opentelemetry/instrumentation-fetch')}; esbuild ${version('esbuild')}`,
      rows: [
        {
          figure: 'web SDK npm entry (init + step + fetch, with zone)',
          value: sdk / 1024,
          unit: 'KiB',
          anchor: 'stock OpenTelemetry web, same instrumentation',
          anchorValue: stock / 1024,
          target: '< 1',
        },
      ],
      notes: ['Sizes are deterministic for a given lockfile; each is one build.'],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
