import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Reads the attributes every browser span should carry (session id, user tier). */
export type JourneyAttributes = () => Record<string, string | undefined>;

/**
 * Stamps `session.id` (and `user.tier`, `enduser.id` when known) on every span as it starts,
 * so browser spans can be found by session like the edge and origin ones.
 */
export class SessionSpanProcessor implements SpanProcessor {
  constructor(private readonly _attributes: JourneyAttributes) {}

  onStart(span: Span, _parentContext: Context): void {
    for (const [key, value] of Object.entries(this._attributes())) {
      if (value) span.setAttribute(key, value);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
