/**
 * What `init` gives outside a browser (server-side rendering in Next.js, React Router, SvelteKit,
 * Remix or Astro; a test runner without a DOM): a journey that records nothing and never throws,
 * so importing the SDK and calling `init` during a render is safe. Tracing starts where `init`
 * runs again in the page.
 */
import { INVALID_SPAN_CONTEXT, diag, trace } from '@opentelemetry/api';
import type { JourneyStep } from '../journey/step.js';

let noted = false;

/** Whether this realm is a browser page: a `document` and global event listeners (what `init` adds to). */
export function inBrowser(): boolean {
  return typeof document === 'object' && typeof addEventListener === 'function';
}

/**
 * A journey that traces nothing; says so once through `diag` (the expected case during SSR).
 * Typed by its shape: `init` (core.ts) returns it as a `JourneyTrace`, which checks it there;
 * naming that type here would make core.ts and this file import each other.
 */
export function outsideBrowserJourney() {
  if (!noted) diag.info('journeytrace: init() outside a browser traces nothing');
  noted = true;
  const done = () => Promise.resolve();
  return {
    sessionId: '',
    sampled: false,
    droppedSpans: 0,
    setUser(_user: object) {},
    step: async <T>(_name: string, fn: (step: JourneyStep) => Promise<T> | T): Promise<T> =>
      fn({ span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT), traceId: INVALID_SPAN_CONTEXT.traceId }),
    forceFlush: done,
    shutdown: done,
  };
}
