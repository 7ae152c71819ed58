/**
 * Journeys sent at a steady pace, for crash tests: each journey is one span per service, each
 * span in its own OTLP/HTTP export (as separate hops send them), and each export is retried
 * until a collector answers 2xx, as every hop of the kit retries through an outage. What counts
 * is when each span was acknowledged: from then on, the collector promised to keep it.
 */
import type { KeptSpan } from '@journeytrace/playwright/collector-output';
import { exportOverHttp } from './otlpExport.js';
import { randomHex, recordSpans } from './spanSender.js';

export interface SteadyTrafficOptions {
  /** Collector (or front tier) OTLP/HTTP base URL. */
  collectorUrl: string;
  headers?: Record<string, string>;
  /** One span per service per journey. */
  services: readonly string[];
  journeysPerSecond: number;
  /** Wait between attempts of a refused or failed export. Default 500. */
  retryMillis?: number;
}

export interface AcknowledgedSpan {
  traceId: string;
  spanId: string;
  /** When the collector answered 2xx (epoch ms). */
  acknowledgedAt: number;
}

export interface SteadyTraffic {
  /** Spans acknowledged so far, by span id. */
  readonly acknowledged: ReadonlyMap<string, AcknowledgedSpan>;
  /** Export attempts that were refused or failed (the outage, seen from the hops). */
  readonly failedAttempts: number;
  /** Resolves when the next span is acknowledged: a crash right after it finds that span just taken. */
  nextAcknowledgement(): Promise<void>;
  /** Stops starting journeys; resolves once every export begun was acknowledged (or after `timeoutMillis`, rejecting). */
  stop(timeoutMillis?: number): Promise<void>;
}

export function startSteadyTraffic(options: SteadyTrafficOptions): SteadyTraffic {
  const acknowledged = new Map<string, AcknowledgedSpan>();
  const pending = new Set<Promise<void>>();
  const retryMillis = options.retryMillis ?? 500;
  let failedAttempts = 0;
  let running = true;
  let waiters: Array<() => void> = [];

  const exportUntilTaken = async (service: string, traceId: string) => {
    const spans = await recordSpans(service, [{ traceId, name: `${service} span` }]);
    const spanId = spans[0]!.spanContext().spanId;
    for (;;) {
      const status = await exportOverHttp(options.collectorUrl, spans, options.headers).catch(() => 0);
      if (status >= 200 && status < 300) {
        acknowledged.set(spanId, { traceId, spanId, acknowledgedAt: Date.now() });
        for (const wake of waiters) wake();
        waiters = [];
        return;
      }
      failedAttempts += 1;
      await new Promise((resolve) => setTimeout(resolve, retryMillis));
    }
  };
  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const timer = setInterval(() => {
    if (!running) return;
    const traceId = randomHex(32);
    for (const service of options.services) track(exportUntilTaken(service, traceId));
  }, 1000 / options.journeysPerSecond);

  return {
    acknowledged,
    get failedAttempts() {
      return failedAttempts;
    },
    nextAcknowledgement: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async stop(timeoutMillis = 60_000) {
      running = false;
      clearInterval(timer);
      const deadline = Date.now() + timeoutMillis;
      while (pending.size > 0) {
        if (Date.now() > deadline) throw new Error(`${pending.size} exports still unacknowledged after ${timeoutMillis} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

export interface DeliveryTally {
  /** Spans acknowledged to the hops. */
  acknowledged: number;
  /** Acknowledged spans found in the output (each counted once). */
  arrived: number;
  /** Copies beyond the first of a span in the output (at-least-once repeats). */
  duplicates: number;
  /** Acknowledged spans missing from the output. */
  lost: AcknowledgedSpan[];
}

/** What became of the acknowledged spans, given everything the collectors wrote. */
export function tallyDelivery(acknowledged: ReadonlyMap<string, AcknowledgedSpan>, output: readonly KeptSpan[]): DeliveryTally {
  const copies = new Map<string, number>();
  for (const span of output) if (acknowledged.has(span.spanId)) copies.set(span.spanId, (copies.get(span.spanId) ?? 0) + 1);
  const lost = [...acknowledged.values()].filter((span) => !copies.has(span.spanId));
  const duplicates = [...copies.values()].reduce((sum, count) => sum + count - 1, 0);
  return { acknowledged: acknowledged.size, arrived: copies.size, duplicates, lost };
}
