/**
 * Min+gzip size of a browser entry, bundled as an app's bundler would (esbuild, minified, ES2016,
 * browser, gzip level 9), and the entries the size figures and the size check share: the web
 * SDK's npm entries and stock OpenTelemetry web with the same instrumentation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Format } from 'esbuild';
import { scratchDir } from './anchors.js';

// OpenTelemetry JS 3 has no zone context manager (context-zone stays on 2.x, whose peer range
// excludes @opentelemetry/api 1.10) and no WebTracerProvider: sdk-trace's StackContextManager.
export const STOCK_ENTRY = `
import { context, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { BatchSpanProcessor, StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })] });
context.setGlobalContextManager(new StackContextManager().enable());
propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
trace.setGlobalTracerProvider(provider);
registerInstrumentations({ instrumentations: [new FetchInstrumentation()] });
`;

// Every feature is on by default (errors, interactions, route changes, document load, web vitals).
export const SDK_ENTRY = `
import { init } from 'journeytrace';
init({ serviceName: 'bench', propagateTo: ['https://edge.example'] }).step('x', () => fetch('/'));
`;

// An app that uses only steps and fetch spans: journeytrace/core with no features.
export const SDK_CORE_ENTRY = `
import { init } from 'journeytrace/core';
init({ serviceName: 'bench', propagateTo: ['https://edge.example'] }).step('x', () => fetch('/'));
`;

export const SDK_ZONE_ENTRY = `
import { init } from 'journeytrace';
import { zoneContextManager } from 'journeytrace/zone';
init({ serviceName: 'bench', propagateTo: ['https://edge.example'], contextManager: zoneContextManager() }).step('x', () => fetch('/'));
`;

/** Bundles `source` as if it were a file in `dir` (imports resolve from there) and returns its min+gzip size in bytes. */
export async function gzipSize(source: string, dir: string, format: Format = 'esm'): Promise<number> {
  const scratch = scratchDir(dir, 'bundle');
  try {
    const entry = join(scratch.path, 'entry.js');
    writeFileSync(entry, source);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format,
      target: 'es2016',
      platform: 'browser',
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
  } finally {
    scratch.remove();
  }
}
