/**
 * What `init` gives outside a browser (server-side rendering in Next.js, React Router, SvelteKit,
 * Remix or Astro; a test runner without a DOM): a journey that records nothing and never throws,
 * so importing the SDK and calling `init` during a render is safe. Tracing starts where `init`
 * runs again in the page.
 */
import { INVALID_SPAN_CONTEXT, diag, trace } from '@opentelemetry/api';
import type { JourneyTrace } from '../core.js';

let noted = false;

/** Whether this realm is a browser page: a `document` and global event listeners (what `init` adds to). */
export function inBrowser(): boolean {
  return typeof document === 'object' && typeof addEventListener === 'function';
}

/** A journey that traces nothing; says so once through `diag` (the expected case during SSR). */
export function outsideBrowserJourney(): JourneyTrace {
  if (!noted) diag.info('journeytrace: init() outside a browser traces nothing');
  noted = true;
  const done = () => Promise.resolve();
  return {
    sessionId: '',
    sampled: false,
    droppedSpans: 0,
    setUser() {},
    step: async (_name, fn) => fn({ span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT), traceId: INVALID_SPAN_CONTEXT.traceId }),
    forceFlush: done,
    shutdown: done,
  };
}
