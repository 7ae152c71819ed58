/**
 * @module
 * The W3C trace-context test suite's service endpoint (test configurations only).
 */
export {
  traceContextConformance,
  parseConformanceCalls,
  conformanceCallOffLoopback,
  CONFORMANCE_MAX_CALLS,
  type ConformanceCall,
} from './traceContextConformance.js';
