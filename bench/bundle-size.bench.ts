/**
 * Browser bundle size: the web SDK's entries against stock OpenTelemetry web with the same
 * instrumentation (sdk-trace with its stack context manager, instrumentation-fetch, OTLP/HTTP exporter, W3C
 * propagators), Honeycomb's web SDK and Grafana Faro (each at its README's minimal setup). Every
 * entry is bundled the same way (esbuild, minified, ES2016, browser) and gzipped at level 9.
 */
import { join } from 'node:path';
import { lastLines, run } from '@journeytrace/tooling/lib/run.js';
import { DATA_DIR, ROOT } from '@journeytrace/tooling/lib/paths.js';
import { ensureAnchor, installedVersion } from '@journeytrace/tooling/bench/anchors.js';
import { gzipSize, SDK_CORE_ENTRY, SDK_ENTRY, SDK_ZONE_ENTRY, STOCK_ENTRY } from '@journeytrace/tooling/bench/bundleSizes.js';
import type { BenchRow, BenchSection } from './types.js';

// README "Getting started" of @honeycombio/opentelemetry-web.
const HONEYCOMB_ENTRY = `
import { HoneycombWebSDK, WebVitalsInstrumentation } from '@honeycombio/opentelemetry-web';
import { getWebAutoInstrumentations } from '@opentelemetry/auto-instrumentations-web';
const sdk = new HoneycombWebSDK({
  apiKey: 'api-key-goes-here',
  serviceName: 'bench',
  instrumentations: [getWebAutoInstrumentations(), new WebVitalsInstrumentation()],
});
sdk.start();
`;

// README of @grafana/faro-web-sdk, the example with tracing.
const FARO_ENTRY = `
import { getWebInstrumentations, initializeFaro } from '@grafana/faro-web-sdk';
import { TracingInstrumentation } from '@grafana/faro-web-tracing';
initializeFaro({
  url: 'https://agent.myapp/collect',
  apiKey: 'secret',
  instrumentations: [...getWebInstrumentations({ captureConsole: true }), new TracingInstrumentation()],
  app: { name: 'bench', version: '1.0.0' },
});
`;

/** The web SDK as published: its tsc build in web-sdk/dist. */
async function buildWebSdk(): Promise<void> {
  const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'web-sdk/tsconfig.json'], {
    cwd: ROOT,
    logFile: join(ROOT, '.data', 'bench-build-web-sdk.log'),
  });
  if (tsc.code !== 0) throw new Error(`building web-sdk failed:\n${lastLines(tsc.output)}`);
}

/** OpenTelemetry JS 3 has no zone context manager (context-zone stops at 2.x): the stock set keeps sdk-trace's stack context. */
const STOCK = 'stock OpenTelemetry JS 3 web (stack context), fetch only';

export default async function bundleSize(): Promise<BenchSection> {
  const [honeycombDir, faroDir] = await Promise.all([ensureAnchor('honeycomb'), ensureAnchor('faro'), buildWebSdk()]);
  // One build at a time: sizes do not depend on it, and the machine has two cores.
  const sdk = await gzipSize(SDK_ENTRY, DATA_DIR);
  const sdkCore = await gzipSize(SDK_CORE_ENTRY, DATA_DIR);
  const sdkZone = await gzipSize(SDK_ZONE_ENTRY, DATA_DIR);
  const scriptTag = await gzipSize(`import ${JSON.stringify(join(ROOT, 'web-sdk/dist/scriptTag/index.js'))};`, DATA_DIR, 'iife');
  const stock = await gzipSize(STOCK_ENTRY, DATA_DIR);
  const honeycomb = await gzipSize(HONEYCOMB_ENTRY, honeycombDir);
  const faro = await gzipSize(FARO_ENTRY, faroDir);

  const kib = (bytes: number) => bytes / 1024;
  const row = (figure: string, value: number, anchor: string, anchorValue: number): BenchRow => ({
    figure,
    value: kib(value),
    unit: 'KiB',
    anchor,
    anchorValue: kib(anchorValue),
    target: '< 1',
  });
  const v = (dir: string, pkg: string) => `${pkg} ${installedVersion(dir, pkg)}`;
  return {
    title: 'Browser bundle size (min + gzip)',
    command: 'npm run bench -- bundle-size',
    versions: [
      `journeytrace ${installedVersion(ROOT, 'journeytrace')}`,
      v(ROOT, '@opentelemetry/sdk-trace'),
      v(ROOT, '@opentelemetry/exporter-trace-otlp-http'),
      v(ROOT, '@opentelemetry/instrumentation-fetch'),
      v(ROOT, 'zone.js'),
      v(honeycombDir, '@honeycombio/opentelemetry-web'),
      v(honeycombDir, '@opentelemetry/auto-instrumentations-web'),
      v(faroDir, '@grafana/faro-web-sdk'),
      v(faroDir, '@grafana/faro-web-tracing'),
      v(ROOT, 'esbuild'),
    ].join(', '),
    rows: [
      row('journeytrace npm entry, all features (zone-less context)', sdk, STOCK, stock),
      row('journeytrace/core, steps and fetch only (tree-shaken)', sdkCore, STOCK, stock),
      row('journeytrace npm entry + `journeytrace/zone`', sdkZone, STOCK, stock),
      row('journeytrace script-tag build (IIFE)', scriptTag, STOCK, stock),
      row('journeytrace npm entry, all features', sdk, 'Honeycomb web SDK, README setup (auto-instrumentations + web vitals)', honeycomb),
      row('journeytrace npm entry, all features', sdk, 'Grafana Faro web SDK + web tracing, README setup', faro),
    ],
    notes: [
      `Exact min+gzip bytes: npm entry ${sdk}, journeytrace/core ${sdkCore}, npm entry + journeytrace/zone ${sdkZone}, script tag ${scriptTag}, stock OpenTelemetry web ${stock}.`,
      'Sizes are deterministic for a given lockfile; each is one build. Anchors are installed from bench/anchors/*/package-lock.json, outside the workspaces, so each keeps its own OpenTelemetry copies as a user of it would get.',
      "journeytrace \"all features\": session, baggage, journey steps, fetch spans (the SDK's own fetch wrapper on sdk-trace's TracerProvider; the stock set has instrumentation-fetch), document load, interactions, route changes, web vitals (LCP, INP, CLS, TTFB on PerformanceObserver, no web-vitals package), errors, retrying OTLP export (XMLHttpRequest spans are opt-in, `xhr()`, and only the script-tag build carries their code). `journeytrace/core` keeps session, baggage, steps, fetch spans and the export, and takes features only when passed them. The SDK ships ES2020; these builds lower it to ES2016 as an app's bundler would. Honeycomb's README setup adds XHR, document-load and user-interaction instrumentation, logs and metrics exporters; Faro's adds console, errors, web vitals, session and view tracking and its own transport.",
    ],
  };
}
