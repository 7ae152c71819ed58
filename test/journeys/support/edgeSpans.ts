import { SpanKind, type KeptSpan } from '@journeytrace/playwright/collector-output';

/**
 * The demo edge worker's own spans. Its journey also crosses the cart Durable Object (service
 * `cart`) and the recommendations Worker behind a service binding (service `recommendations`),
 * both on Cloudflare too, and each with a SERVER span of its own: `cloud.provider` alone no longer
 * says which span is the edge's.
 */
export const EDGE_WORKER_SERVICE = 'edge-worker';

export const isEdgeWorkerSpan = (span: KeptSpan): boolean => span.service === EDGE_WORKER_SERVICE;

/** The edge worker's SERVER span (the request the browser or a caller made). */
export const isEdgeWorkerServer = (span: KeptSpan): boolean => isEdgeWorkerSpan(span) && span.kind === SpanKind.SERVER;
