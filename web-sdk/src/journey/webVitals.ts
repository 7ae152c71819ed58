import { ROOT_CONTEXT, type Context, type Tracer } from '@opentelemetry/api';
import { onCLS, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import { ATTR_WEB_VITAL_ID, ATTR_WEB_VITAL_NAME, ATTR_WEB_VITAL_RATING, ATTR_WEB_VITAL_VALUE } from '../semconv.js';

/**
 * Reports LCP, INP, CLS and TTFB (web-vitals decides when each is final, mostly on page hide)
 * as zero-length spans `web-vital <name>` under the page's documentLoad span, or as roots
 * carrying the session before that exists.
 */
export function onWebVitals(tracer: Tracer, pageContext: () => Context | undefined): void {
  const report = (metric: Metric) => {
    tracer
      .startSpan(`web-vital ${metric.name}`, {
        attributes: {
          [ATTR_WEB_VITAL_NAME]: metric.name,
          [ATTR_WEB_VITAL_VALUE]: metric.value,
          [ATTR_WEB_VITAL_RATING]: metric.rating,
          [ATTR_WEB_VITAL_ID]: metric.id,
        },
      }, pageContext() ?? ROOT_CONTEXT)
      .end();
  };
  onLCP(report);
  onINP(report);
  onCLS(report);
  onTTFB(report);
}
