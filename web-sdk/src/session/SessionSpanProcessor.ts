import type { SpanProcessor } from '@opentelemetry/sdk-trace';

/** Reads the attributes every browser span should carry (session id, user tier). */
export type JourneyAttributes = () => Record<string, string | undefined>;

/**
 * Stamps `session.id` (and `user.tier`, `enduser.id` when known) on every span as it starts,
 * so browser spans can be found by session like the edge and origin ones.
 */
export function sessionSpanProcessor(attributes: JourneyAttributes): SpanProcessor {
  const done = () => Promise.resolve();
  return {
    onStart(span) {
      for (const [key, value] of Object.entries(attributes())) if (value) span.setAttribute(key, value);
    },
    onEnd() {},
    forceFlush: done,
    shutdown: done,
  };
}
