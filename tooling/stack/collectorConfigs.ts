import { join } from 'node:path';
import { ROOT } from '../lib/paths.js';

export interface LocalCollector {
  /** Collector configs, merged in order. */
  configs: string[];
  /** What those configs need from the environment beyond the ports and files. */
  env: Record<string, string>;
}

const config = (name: string) => join(ROOT, 'collector', name);

/**
 * The collector of a local run (tests, the stack): config.yaml with the test overlay last
 * (decisions after 1 s). `authenticated` adds config.production.yaml's bearer-token
 * authentication on both receivers (the token comes from `JOURNEYTRACE_COLLECTOR_TOKEN`) but
 * not its backend, which a local run has none of: kept journeys go to the file only.
 */
export function localCollector(options: { authenticated?: boolean } = {}): LocalCollector {
  if (!options.authenticated) return { configs: [config('config.yaml'), config('config.test.yaml')], env: {} };
  return {
    configs: [
      config('config.yaml'),
      config('config.production.yaml'),
      'yaml:service: {pipelines: {traces: {exporters: [file, debug]}, metrics: {exporters: [file/metrics]}}}',
      config('config.test.yaml'),
    ],
    // The overlay's backend exporter is still configured (and validated), only in no pipeline.
    env: { JOURNEYTRACE_BACKEND_ENDPOINT: 'http://127.0.0.1:9' },
  };
}
