import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { FeatureHost } from '../core.js';
import { ATTR_BROWSER_EVENT_TYPE, ATTR_BROWSER_TARGET } from '../semconv.js';
import { spanForThisTask } from './step.js';

/** Event types traced as user interactions. */
export const INTERACTION_EVENTS = ['click', 'submit'] as const;

/**
 * Opens a span for each click or form submit, before the page's own handlers run (capture
 * phase on window), and holds its context until the next task, so the fetches and steps those
 * handlers start are its children. Stops when `signal` aborts.
 */
export function onInteraction({ tracer, hold, signal }: FeatureHost): void {
  const listener = (event: Event) => {
    // A submit caused by a click continues the click's span instead of opening another.
    if (event.type === 'submit' && trace.getActiveSpan()?.isRecording()) return;
    // A user's action starts a journey of its own.
    spanForThisTask(tracer, hold, event.type, { [ATTR_BROWSER_EVENT_TYPE]: event.type, [ATTR_BROWSER_TARGET]: describeTarget(event.target) }, ROOT_CONTEXT);
  };
  for (const type of INTERACTION_EVENTS) addEventListener(type, listener, { capture: true, passive: true, signal });
}

/** A short, stable description of the event target: `button#pay[data-testid=checkout]`. */
export function describeTarget(target: EventTarget | null): string {
  if (!target || !(target as Element).tagName) return '';
  const element = target as Element;
  let text = element.tagName.toLowerCase();
  if (element.id) text += `#${element.id}`;
  const testId = element.getAttribute('data-testid');
  if (testId) text += `[data-testid=${testId}]`;
  return text.slice(0, 200);
}
