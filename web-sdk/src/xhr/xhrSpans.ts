import { XMLHttpRequestInstrumentation } from '@opentelemetry/instrumentation-xml-http-request';
import type { FeatureHost } from '../core.js';

/**
 * `XMLHttpRequest` spans from @opentelemetry/instrumentation-xml-http-request (HTTP client spans
 * on the stable semantic conventions, resource timing as events, HTTP >= 400, network errors and
 * timeouts as ERROR), with trace headers and the journey's baggage to the same origins as fetch:
 * the page's own and `propagateTo`. For pages whose calls are not fetch: axios' default browser
 * adapter, jQuery's `$.ajax`. The SDK's own exports use fetch, so none of them is an XHR.
 */
export function onXhr(host: FeatureHost): () => void {
  // Patches XMLHttpRequest as it is constructed.
  const instrumentation = new XMLHttpRequestInstrumentation({ propagateTraceHeaderCorsUrls: [...host.propagateTo] });
  instrumentation.setTracerProvider(host.tracerProvider);
  return () => instrumentation.disable();
}
