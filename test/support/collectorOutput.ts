/**
 * Reads what the collector kept: its file exporter writes one OTLP JSON export request per
 * line. This is the ground truth the journey tests assert on.
 */
import { readFile } from 'node:fs/promises';

export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

type AttributeValue = string | number | boolean | undefined;

/** One span as the collector kept it, with its resource flattened in. */
export interface KeptSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startMillis: number;
  endMillis: number;
  statusCode: number;
  service: string;
  resource: Record<string, AttributeValue>;
  attributes: Record<string, AttributeValue>;
  /** Names of the span's events (`exception`, ...). */
  events: string[];
  /** Span ids this span links to. */
  links: string[];
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  status?: { code?: number };
  events?: Array<{ name: string }>;
  links?: Array<{ traceId: string; spanId: string }>;
}
interface OtlpExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

/** Every span in the collector's traces file (none yet when it does not exist). */
export async function readKeptSpans(tracesFile: string): Promise<KeptSpan[]> {
  let text: string;
  try {
    text = await readFile(tracesFile, 'utf8');
  } catch {
    return [];
  }
  const spans: KeptSpan[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let request: OtlpExportRequest;
    try {
      request = JSON.parse(line) as OtlpExportRequest;
    } catch {
      continue; // A line still being written.
    }
    for (const resourceSpans of request.resourceSpans ?? []) {
      const resource = flatten(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind ?? 0,
            startMillis: Number(BigInt(span.startTimeUnixNano) / 1_000_000n),
            endMillis: Number(BigInt(span.endTimeUnixNano) / 1_000_000n),
            statusCode: span.status?.code ?? 0,
            service: String(resource['service.name'] ?? ''),
            resource,
            attributes: flatten(span.attributes),
            events: (span.events ?? []).map((event) => event.name),
            links: (span.links ?? []).map((link) => link.spanId),
          });
        }
      }
    }
  }
  return spans;
}

/**
 * Polls the traces file until the trace's spans satisfy `isComplete`, then returns them.
 * On timeout it fails with what did arrive, so a broken hop is visible in the message.
 */
export async function waitForTrace(
  tracesFile: string,
  traceId: string,
  isComplete: (spans: KeptSpan[]) => boolean,
  timeoutMillis = 30_000,
): Promise<KeptSpan[]> {
  const deadline = Date.now() + timeoutMillis;
  let spans: KeptSpan[] = [];
  while (Date.now() < deadline) {
    spans = (await readKeptSpans(tracesFile)).filter((span) => span.traceId === traceId);
    if (isComplete(spans)) return spans;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const arrived = spans.map((span) => `  ${span.service} ${span.name} kind=${span.kind} span=${span.spanId} parent=${span.parentSpanId || '-'}`);
  throw new Error(
    `trace ${traceId} was not complete in ${tracesFile} after ${timeoutMillis} ms; it holds ${spans.length} spans:\n${arrived.join('\n') || '  (none)'}`,
  );
}

function flatten(attributes: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  const flat: Record<string, AttributeValue> = {};
  for (const { key, value } of attributes ?? []) {
    if (!value) continue;
    flat[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue;
  }
  return flat;
}
