import { ParentBasedSampler, SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace';

/** The session and tier a root span's decision is made for. */
export type SamplingSubject = () => { sessionId: string; tier: string | undefined };

export interface SessionSamplingOptions {
  /** Share of sessions traced, 0..1. */
  sampleRate: number;
  /** Per-tier rates that replace `sampleRate`, e.g. `{ vip: 1 }`. */
  sampleRateByTier: Readonly<Record<string, number>>;
}

/** Whether the current session is traced: its id against the rate of its user's tier. */
export function sessionSampled(subject: SamplingSubject, options: SessionSamplingOptions): () => boolean {
  return () => {
    const { sessionId, tier } = subject();
    return isSessionSampled(sessionId, rateFor(tier, options));
  };
}

/**
 * ParentBased + TraceIdRatio, where the ratio is applied to the *session* id instead of each
 * trace id (`sampled`, from `sessionSampled`): every root span of a session gets the same
 * answer, so a journey is traced whole or not at all. Spans with a parent (local or remote,
 * e.g. the server's traceparent for the document load) follow the parent's sampled flag (the
 * stock ParentBasedSampler's defaults).
 */
export function sessionSampler(sampled: () => boolean): Sampler {
  return new ParentBasedSampler({
    root: {
      shouldSample: () => ({ decision: sampled() ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD }),
      toString: () => 'SessionSampler',
    },
  });
}

export function rateFor(tier: string | undefined, options: SessionSamplingOptions): number {
  const byTier = tier === undefined ? undefined : options.sampleRateByTier[tier];
  return byTier ?? options.sampleRate;
}

/**
 * Whether a session id falls within `rate`: its first 8 hex digits read as a fraction of 2^32,
 * like TraceIdRatioBasedSampler does with a trace id. Deterministic, so every tab of a session
 * agrees.
 */
export function isSessionSampled(sessionId: string, rate: number): boolean {
  // The fraction is below 1, so a rate of 1 takes every session and 0 none; any comparison with
  // NaN (a rate or an id that is not a number) is false: not sampled.
  return parseInt(sessionId.slice(0, 8), 16) / 0x1_0000_0000 < rate;
}
