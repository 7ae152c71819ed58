/**
 * Stock OpenTelemetry web as an app sets it up for fetch tracing (sdk-trace-web's provider,
 * instrumentation-fetch, the batch processor and OTLP/HTTP exporter, W3C propagators), zone-less
 * and with context-zone, bundled as the kit's script tag is (esbuild, minified IIFE), from the
 * `stock-web` anchor: OpenTelemetry JS 2.12 / 0.223, the last line with a zone context manager.
 * Each page gets `window.stock.step(name, fn)`, which runs `fn` inside an active span as
 * `journeytrace.journey.step` does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ensureAnchor, installedVersion, scratchDir } from './anchors.js';

const entry = (zone: boolean) => `
${zone ? "import 'zone.js';" : ''}
import { trace } from '@opentelemetry/api';
${zone ? "import { ZoneContextManager } from '@opentelemetry/context-zone';" : ''}
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';
const provider = new WebTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: location.origin + '/v1/traces' }))] });
provider.register(${zone ? '{ contextManager: new ZoneContextManager() }' : ''});
registerInstrumentations({ instrumentations: [new FetchInstrumentation()] });
const tracer = trace.getTracer('bench');
window.stock = {
  step: (name, fn) => tracer.startActiveSpan(name, async (span) => {
    try { return await fn(); } finally { span.end(); }
  }),
};
`;

export interface StockWeb {
  /** Page name to script source: `stock` (zone-less) and `stock-zone`. */
  scripts: Record<string, string>;
  versions: string;
}

export async function buildStockWeb(): Promise<StockWeb> {
  const dir = await ensureAnchor('stock-web');
  const scratch = scratchDir(dir, 'fetch-overhead');
  try {
    const scripts: Record<string, string> = {};
    for (const [name, zone] of [
      ['stock', false],
      ['stock-zone', true],
    ] as const) {
      const file = join(scratch.path, `${name}.js`);
      writeFileSync(file, entry(zone));
      const result = await build({
        entryPoints: [file],
        bundle: true,
        minify: true,
        format: 'iife',
        // The kit's script tag is ES2017; zone.js cannot follow native async/await, so its page is ES2016 as KNOWN-GOOD says.
        target: zone ? 'es2016' : 'es2017',
        platform: 'browser',
        write: false,
        legalComments: 'none',
        logLevel: 'silent',
      });
      scripts[name] = result.outputFiles[0]!.text;
    }
    const v = (pkg: string) => `${pkg} ${installedVersion(dir, pkg)}`;
    return {
      scripts,
      versions: [v('@opentelemetry/sdk-trace-web'), v('@opentelemetry/instrumentation-fetch'), v('@opentelemetry/context-zone'), v('zone.js')].join(', '),
    };
  } finally {
    scratch.remove();
  }
}
