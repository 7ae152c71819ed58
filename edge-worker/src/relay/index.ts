/**
 * @module
 * Browser-span relay: `POST /v1/traces` on the worker takes OTLP from the web SDK, checks it,
 * and forwards it to the collector with the server-side credentials, so browsers never hold
 * collector secrets and never talk to an (often ad-blocked) collector host.
 */
import type { Context } from 'hono';
import { otlpHeaders, otlpTracesUrl, type OtlpBindings } from '../otelEnv/otlpEnv.js';
import { sdkDisabled, type OtelSwitchBindings } from '../otelEnv/otelSwitches.js';
import { clockSkewMillis, sentAtOf, type ClockSkewOptions } from './clockSkew.js';
import { attributeAllowList, DEFAULT_RELAYED_RESOURCE_ATTRIBUTES, DEFAULT_RELAYED_SPAN_ATTRIBUTES, type AttributeFilter } from './filterAttributes.js';
import { platformClientKey } from './clientKey.js';
import { forwardToCollector, type CollectorTarget, type ForwardResult } from './forwardToCollector.js';
import { isRetryableStatus } from '@journeytrace/contract';
import { otlpFormatOf, prepareBatch, type OtlpFormat } from './prepareBatch.js';
import { DEFAULT_RELAYED_SERVICE_NAMES } from './pinBrowserResources.js';
import { countOption, DEFAULT_MAX_SPANS_PER_BATCH, resolveSpanLimits, spanLimitsFromEnv, type SpanLimitBindings, type SpanLimits } from './spanLimits.js';
import { resolveSpanTimeBounds, type SpanTimeBounds } from './boundSpanTimes.js';
import type { RejectedSpans } from './otlpTypes.js';
import { encodeTracePartialSuccess } from '../export/otlpProtobuf.js';
import { createRateLimiter, type RateLimiter } from './rateLimiter.js';
import { readLimitedBody } from './readLimitedBody.js';
import { globalFetch } from '../fetch/globalFetch.js';
import type { Spill } from '../spill/spillTo.js';
import { spillFromEnv } from '../spill/spillFromEnv.js';
import type { SpillNamespace } from '../spill/types.js';
import { BATCH_ID_HEADER } from '../spill/spillProtocol.js';
import { batchIdOf, recentBatchIds } from './recentBatchIds.js';
import { spillForwarded } from './spillForwarded.js';

export { platformClientKey, SHARED_CLIENT_KEY } from './clientKey.js';
export { ATTR_JOURNEYTRACE_CLOCK_SKEW_MS, SENT_AT_HEADER, SENT_AT_PARAM, type ClockSkewOptions } from './clockSkew.js';
export { DEFAULT_RELAYED_RESOURCE_ATTRIBUTES, DEFAULT_RELAYED_SPAN_ATTRIBUTES } from './filterAttributes.js';
export { ATTR_JOURNEYTRACE_RELAYED, DEFAULT_RELAYED_SERVICE_NAMES } from './pinBrowserResources.js';
export { REDACTED } from './redactAttribute.js';
export { DEFAULT_MAX_SPANS_PER_BATCH, type SpanLimits } from './spanLimits.js';
export type { SpanTimeBounds } from './boundSpanTimes.js';
export { decodeOtlpJson } from './decodeOtlpJson.js';
export { decodeOtlpProtobuf } from './decodeOtlpProtobuf.js';

/** Bindings the relay reads when an option is not given. */
export interface RelayBindings extends OtlpBindings, SpanLimitBindings, Pick<OtelSwitchBindings, 'OTEL_SDK_DISABLED'> {
  /** Comma-separated browser origins allowed to send spans. */
  JOURNEYTRACE_RELAY_ALLOWED_ORIGINS?: string;
  /** Body limit in bytes (wire and decoded). */
  JOURNEYTRACE_RELAY_MAX_BODY_BYTES?: string;
  /** Requests per client per minute. */
  JOURNEYTRACE_RELAY_RATE_LIMIT_PER_MINUTE?: string;
  /** Comma-separated browser `service.name`s accepted. */
  JOURNEYTRACE_RELAY_SERVICE_NAMES?: string;
  /** The `JourneytraceSpill` Durable Object namespace: batches the collector cannot take are held there (202) instead of answered with 502. */
  JOURNEYTRACE_SPILL?: SpillNamespace;
  /** Spill objects to spread batches over, 1 to 64. Default 1. */
  JOURNEYTRACE_SPILL_SHARDS?: string;
  /** `false`: the relay answers 502 while the collector cannot take a batch, spilling nothing (the page keeps its spans). */
  JOURNEYTRACE_RELAY_SPILL?: string;
}

export interface RelayOptions {
  /** Origins allowed to send spans. Default: `JOURNEYTRACE_RELAY_ALLOWED_ORIGINS`; none means every request gets 403. */
  allowedOrigins?: readonly string[];
  /** The collector's traces URL. Default: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
  collectorUrl?: string;
  /** Headers for the collector (credentials). Default: `OTEL_EXPORTER_OTLP_HEADERS`. */
  collectorHeaders?: Record<string, string>;
  /** Largest body accepted, on the wire and after gzip decoding. Default `JOURNEYTRACE_RELAY_MAX_BODY_BYTES`, else 1 MiB. */
  maxBodyBytes?: number;
  /** Requests per client per minute, per isolate. Default `JOURNEYTRACE_RELAY_RATE_LIMIT_PER_MINUTE`, else 120. */
  rateLimitPerMinute?: number;
  /**
   * What the rate limit counts by. Default `platformClientKey`: the `CF-Connecting-IP` header
   * where Cloudflare's edge set it, else one key shared by every request (off Cloudflare, and in
   * `wrangler dev`, that header is whatever the client sent). Behind a proxy of your own, key by
   * the header it sets.
   */
  clientKey?: (request: Request) => string;
  /** Resource attributes relayed (`prefix.*` allowed). Default `DEFAULT_RELAYED_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: readonly string[];
  /** Span, event and link attributes relayed. Default `DEFAULT_RELAYED_SPAN_ATTRIBUTES`. */
  spanAttributes?: readonly string[];
  /**
   * The browser `service.name`s accepted; a resource naming another service (a backend's, say)
   * has its spans left out. Default `JOURNEYTRACE_RELAY_SERVICE_NAMES`, else
   * `DEFAULT_RELAYED_SERVICE_NAMES` (the web SDK's default name, `unknown_service:webjs`).
   */
  serviceNames?: readonly string[];
  /**
   * Span limits: attributes, events and links per span, value length. Each one not given here is
   * read from its `OTEL_SPAN_*_LIMIT` binding (then `OTEL_ATTRIBUTE_*_LIMIT`), else OpenTelemetry's
   * default (128 each); values 8192 by default (the SDKs leave them uncut, a relay facing the open web cannot).
   */
  spanLimits?: SpanLimits;
  /** Spans forwarded per request; the rest are left out. Default 512. */
  maxSpansPerBatch?: number;
  /** Bounds of the clock-skew correction. */
  clockSkew?: ClockSkewOptions;
  /** The accepted time window and longest duration (after the clock-skew correction). */
  spanTimes?: SpanTimeBounds;
  /** Abort a forward after this long. Default 10000. */
  forwardTimeoutMillis?: number;
  /** Compression of the forwarded body. Default `gzip`. */
  forwardCompression?: 'gzip' | 'none';
  /**
   * Where a batch goes when the collector cannot take it now (unreachable, 429 or 5xx): the
   * browser gets 202 once it is held there, 502 (or the collector's status) only when it cannot
   * be. Default: the `JOURNEYTRACE_SPILL` binding's `spillTo`, else none; `false` (or the
   * `JOURNEYTRACE_RELAY_SPILL=false` binding) turns it off.
   */
  spill?: Spill | false;
  /** Called when the collector cannot be reached and the batch cannot be spilled (the browser gets 502). Default: `console.warn`. */
  onForwardError?: (error: Error, spanCount: number) => void;
  /** The fetch used to reach the collector. Default: global `fetch`. */
  fetch?: typeof fetch;
  /** The worker's clock, for tests. Default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 120;
/** The partial-success reason a relay behind the kill switch gives for every span. */
const DISABLED_REASON = 'telemetry is turned off at this edge (OTEL_SDK_DISABLED=true); no span was forwarded';

interface RelayConfig {
  /** `OTEL_SDK_DISABLED=true`: the edge's kill switch stops the relay's traffic to the collector too. */
  disabled: boolean;
  isAllowedOrigin: (origin: string | undefined) => boolean;
  collector: CollectorTarget | undefined;
  maxBodyBytes: number;
  rateLimitPerMinute: number;
  clientKey: (request: Request) => string;
  filter: AttributeFilter;
  serviceNames: ReadonlySet<string>;
  maxSpansPerBatch: number;
  clockSkew: ClockSkewOptions;
  spanTimes: SpanTimeBounds;
  onForwardError: (error: Error, spanCount: number) => void;
  spill: Spill | undefined;
  now: () => number;
}

const splitList = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (Number.isSafeInteger(parsed) && parsed > 0) return parsed;
  console.warn(`journeytrace relay: ignoring ${name}=${JSON.stringify(value)} (not a positive integer), using ${fallback}`);
  return fallback;
}

let forwardFailures = 0;
function warnForwardError(error: Error, spanCount: number): void {
  forwardFailures += 1;
  console.warn(
    `journeytrace relay: collector unreachable, ${spanCount} spans answered with 502 (failure ${forwardFailures} in this isolate): ${error.message}`,
  );
}

function resolveConfig(options: RelayOptions, env: RelayBindings): RelayConfig {
  const origins = new Set(options.allowedOrigins ?? splitList(env.JOURNEYTRACE_RELAY_ALLOWED_ORIGINS));
  const collectorUrl = options.collectorUrl ?? otlpTracesUrl(env);
  return {
    disabled: sdkDisabled(env),
    isAllowedOrigin: (origin) => origin !== undefined && origins.has(origin),
    collector: collectorUrl
      ? {
          url: collectorUrl,
          headers: options.collectorHeaders ?? otlpHeaders(env),
          fetch: options.fetch ?? globalFetch,
          timeoutMillis: options.forwardTimeoutMillis ?? 10_000,
          compression: options.forwardCompression ?? 'gzip',
        }
      : undefined,
    maxBodyBytes: options.maxBodyBytes ?? positiveInteger(env.JOURNEYTRACE_RELAY_MAX_BODY_BYTES, 'JOURNEYTRACE_RELAY_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES),
    rateLimitPerMinute:
      options.rateLimitPerMinute ??
      positiveInteger(env.JOURNEYTRACE_RELAY_RATE_LIMIT_PER_MINUTE, 'JOURNEYTRACE_RELAY_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_MINUTE),
    clientKey: options.clientKey ?? platformClientKey,
    filter: {
      resource: attributeAllowList(options.resourceAttributes ?? DEFAULT_RELAYED_RESOURCE_ATTRIBUTES),
      span: attributeAllowList(options.spanAttributes ?? DEFAULT_RELAYED_SPAN_ATTRIBUTES),
      limits: resolveSpanLimits({ ...spanLimitsFromEnv(env), ...options.spanLimits }),
    },
    serviceNames: new Set(
      options.serviceNames ?? (env.JOURNEYTRACE_RELAY_SERVICE_NAMES ? splitList(env.JOURNEYTRACE_RELAY_SERVICE_NAMES) : DEFAULT_RELAYED_SERVICE_NAMES),
    ),
    maxSpansPerBatch: countOption(options.maxSpansPerBatch, 'maxSpansPerBatch', DEFAULT_MAX_SPANS_PER_BATCH),
    clockSkew: options.clockSkew ?? {},
    spanTimes: resolveSpanTimeBounds(options.spanTimes),
    onForwardError: options.onForwardError ?? warnForwardError,
    spill:
      options.spill === false || (options.spill === undefined && env.JOURNEYTRACE_RELAY_SPILL?.trim().toLowerCase() === 'false')
        ? undefined
        : (options.spill ?? spillFromEnv(env)),
    now: options.now ?? Date.now,
  };
}

/**
 * The relay handler for `POST /v1/traces`. Guards, in order: `Origin` not allowed → 403;
 * over the per-client rate → 429; content type not OTLP JSON/protobuf (or an encoding other
 * than gzip) → 415; body over the limit (counted while streaming, and decoded) → 413; not
 * valid OTLP, or no valid span in it → 400 with a one-line reason. Spans with invalid ids or
 * times beside valid ones are left out, and a 2xx answer says so (OTLP partial success:
 * `rejectedSpans`, `errorMessage`). Only then is the batch cut to `maxSpansPerBatch`, filtered
 * to the attribute allow-lists (credentials redacted, URLs cleaned, span limits applied), pinned
 * to the accepted browser services (each resource marked `journeytrace.relayed=true`),
 * corrected for the browser's clock skew (`journeytrace-sent-at: <epoch ms>`, or `?sent_at=`
 * from `sendBeacon`), held to the accepted time window (spans outside it are left out, ends
 * clamped), and forwarded;
 * the browser gets the collector's status, or 502 when it cannot be reached. With the
 * `OTEL_SDK_DISABLED=true` binding (the edge's kill switch) nothing is forwarded: a request that
 * passes the guards gets a 2xx partial success that rejects every span, with the reason.
 *
 * Register it before `trace()`, so relaying makes no spans of its own (they would be relayed
 * spans about relaying), and after `traceCors()`, so pages on allowed origins can call it.
 *
 * @example
 * ```ts
 * app.use(traceCors({ origins: ['https://shop.example'] }))
 * app.post('/v1/traces', otlpRelay({ allowedOrigins: ['https://shop.example'], serviceNames: ['shop-web'] }))
 * app.use(trace())
 * ```
 * Options may come from the worker's own bindings (`Bindings`, e.g. the `Env` of `wrangler types`):
 * `otlpRelay<Env>((env) => ({ allowedOrigins: env.ALLOWED_ORIGINS.split(',') }))`.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp
 */
export function otlpRelay<Bindings extends object & RelayBindings = RelayBindings>(
  options: RelayOptions | ((env: Bindings) => RelayOptions) = {},
): (c: Context<{ Bindings: Bindings }>) => Promise<Response> {
  const configs = new WeakMap<object, RelayConfig>();
  // Batches passed on (forwarded or spilled) in this isolate, by the page's batch id.
  const passedOn = recentBatchIds();
  const limiters = new Map<number, RateLimiter>();
  // app.request() in tests passes no bindings: read them as none set.
  const noBindings = {} as Bindings;

  const configFor = (env: Bindings | undefined): RelayConfig => {
    const key = env ?? configs;
    let config = configs.get(key);
    if (!config) {
      const resolved = typeof options === 'function' ? options(env ?? noBindings) : options;
      config = resolveConfig(resolved, env ?? noBindings);
      configs.set(key, config);
    }
    return config;
  };
  const limiterFor = (config: RelayConfig): RateLimiter => {
    let limiter = limiters.get(config.rateLimitPerMinute);
    if (!limiter) {
      limiter = createRateLimiter({ requestsPerWindow: config.rateLimitPerMinute, windowMillis: 60_000, now: config.now });
      limiters.set(config.rateLimitPerMinute, limiter);
    }
    return limiter;
  };

  return async function otlpRelay(c: Context<{ Bindings: Bindings }>): Promise<Response> {
    const config = configFor(c.env);
    const request = c.req.raw;
    const receivedAtMillis = config.now();

    if (!config.isAllowedOrigin(request.headers.get('origin') ?? undefined)) return c.text('origin not allowed', 403);
    const waitMillis = limiterFor(config)(config.clientKey(request));
    // When the client's next token comes (whole seconds, at least 1), not a fixed minute: a page
    // over the limit sends its held spans as soon as it may.
    if (waitMillis > 0) return c.text('too many requests', 429, { 'retry-after': String(Math.max(1, Math.ceil(waitMillis / 1000))) });

    const format = otlpFormatOf(request.headers.get('content-type'));
    if (!format) return c.text('content type must be application/json or application/x-protobuf', 415);
    const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') return c.text('content encoding must be gzip or none', 415);

    const body = await readLimitedBody(request.body, encoding === 'gzip', config.maxBodyBytes);
    if (!body.ok) return c.text(body.reason, body.status);

    // Under the kill switch nothing is sent on: decoding and validating is all a batch needs.
    const batch = config.disabled
      ? prepareBatch(body.bytes, format)
      : prepareBatch(body.bytes, format, {
          filter: config.filter,
          serviceNames: config.serviceNames,
          maxSpansPerBatch: config.maxSpansPerBatch,
          skewMillis: clockSkewMillis(sentAtOf(request), receivedAtMillis, config.clockSkew),
          receivedAtMillis,
          timeBounds: config.spanTimes,
        });
    if (!batch.ok) return c.text(batch.reason, 400);
    // A page sends a batch again when it kept a copy at page hide: passed on once is enough.
    const batchId = batchIdOf(request.headers.get(BATCH_ID_HEADER));
    if (batchId && passedOn.has(batchId)) return exportResponse(c, format, batch.rejected);
    // Accepted and not sent on, and the page told so: its SDK counts and reports the spans as
    // dropped instead of retrying them for as long as the switch is on.
    if (config.disabled) return exportResponse(c, format, { count: batch.spanCount + (batch.rejected?.count ?? 0), reason: DISABLED_REASON });

    if (!config.collector) {
      config.onForwardError(new Error('no collector configured (OTEL_EXPORTER_OTLP_ENDPOINT)'), batch.spanCount);
      return c.text('collector not configured', 502);
    }
    const forwarded = await forwardToCollector(batch.request, config.collector);
    const delivered = forwarded.ok && forwarded.status >= 200 && forwarded.status < 300;
    // Held durably instead of lost with the page: the browser is told it is accepted (202).
    if (!delivered && config.spill && spillWorthy(forwarded) && (await spillForwarded(config.spill, batch.request, batch.spanCount, batchId))) {
      if (batchId) passedOn.add(batchId);
      return exportResponse(c, format, batch.rejected, 202);
    }
    if (!forwarded.ok) {
      config.onForwardError(forwarded.error, batch.spanCount);
      return c.text('collector unreachable', 502);
    }
    if (delivered) {
      if (batchId) passedOn.add(batchId);
      return exportResponse(c, format, batch.rejected);
    }
    const headers: Record<string, string> = forwarded.retryAfter ? { 'retry-after': forwarded.retryAfter } : {};
    return c.text(`collector answered ${forwarded.status}`, forwarded.status as 400, headers);
  };
}

/**
 * The browser's `ExportTraceServiceResponse`, in the encoding it sent: empty for a full
 * success, else a partial success naming how many spans were left out and why.
 */
function exportResponse(c: Context, format: OtlpFormat, rejected: RejectedSpans | undefined, status: 200 | 202 = 200): Response {
  if (format === 'json') {
    // int64 is a string in OTLP/JSON.
    return c.json(rejected ? { partialSuccess: { rejectedSpans: String(rejected.count), errorMessage: rejected.reason } } : {}, status);
  }
  const headers = { 'content-type': 'application/x-protobuf' };
  if (!rejected) return c.body(null, status, headers);
  return c.body(encodeTracePartialSuccess(rejected.count, rejected.reason) as Uint8Array<ArrayBuffer>, status, headers);
}

/** Unreachable, or an answer that waiting can change (429, 5xx): worth holding. Other 4xx are the batch's fault. */
function spillWorthy(forwarded: ForwardResult): boolean {
  return !forwarded.ok || isRetryableStatus(forwarded.status);
}
