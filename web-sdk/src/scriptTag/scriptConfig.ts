import type { JourneyTraceCoreOptions } from '../core.js';

/** Options the script tag reads, from `window.journeytraceConfig` and then `data-*` attributes. */
export interface ScriptTagOptions extends JourneyTraceCoreOptions {
  /** `XMLHttpRequest` spans and trace headers (`data-xhr="true"`), as `xhr()` of `journeytrace/features`. Default false. */
  xhr?: boolean;
}

const BOOLEAN_FEATURES = ['interactions', 'routeChanges', 'documentLoad', 'webVitals', 'errors', 'xhr'] as const;

/**
 * Options from a script tag's dataset (`data-service-name`, `data-collector-url`,
 * `data-relay-url`, `data-propagate-to` (space- or comma-separated origins), `data-sample-rate`,
 * `data-sample-rate-by-tier` (`vip=1,free=0.1`), `data-user-tier`, `data-user-id`, `data-log-level`, and the
 * feature switches `data-web-vitals="false"`…, `data-xhr="true"`), over a global config object. Unknown or empty
 * attributes are ignored; numbers stay strings here and are checked by `init`.
 */
export function scriptTagOptions(dataset: Readonly<Record<string, string | undefined>>, global: unknown): ScriptTagOptions {
  const options: ScriptTagOptions = typeof global === 'object' && global !== null ? { ...(global as ScriptTagOptions) } : {};
  const text = (key: string) => dataset[key]?.trim() || undefined;
  if (text('serviceName')) options.serviceName = text('serviceName');
  if (text('collectorUrl')) options.collectorUrl = text('collectorUrl');
  if (text('relayUrl')) options.relayUrl = text('relayUrl');
  const propagateTo = text('propagateTo');
  if (propagateTo) options.propagateTo = propagateTo.split(/[\s,]+/).filter(Boolean);
  if (text('sampleRate')) options.sampleRate = text('sampleRate') as unknown as number;
  const sampleRateByTier = text('sampleRateByTier');
  if (sampleRateByTier) {
    const byTier: Record<string, number> = {};
    for (const pair of sampleRateByTier.split(',')) {
      const [tier, rate] = pair.split('=');
      if (tier?.trim() && rate !== undefined) byTier[tier.trim()] = Number(rate);
    }
    options.sampleRateByTier = byTier;
  }
  if (text('logLevel')) options.logLevel = text('logLevel') as ScriptTagOptions['logLevel'];
  if (text('userTier') || text('userId'))
    options.user = { ...options.user, tier: text('userTier') ?? options.user?.tier, id: text('userId') ?? options.user?.id };
  for (const feature of BOOLEAN_FEATURES) {
    const value = text(feature);
    if (value !== undefined) options[feature] = value !== 'false';
  }
  return options;
}
