/**
 * One OTLP trace export, sent by hand over HTTP or gRPC, answering with what the collector said
 * (status, gRPC code): for tests of what the receivers let in, where an exporter would only
 * report "failed".
 */
import { otlpSignalUrl } from '@journeytrace/contract';
import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** The OTLP/gRPC trace service's one method (opentelemetry-proto, collector/trace/v1). */
const TRACE_EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** POSTs the spans as OTLP/protobuf to `${httpUrl}/v1/traces`; the HTTP status. */
export async function exportOverHttp(httpUrl: string, spans: ReadableSpan[], headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(otlpSignalUrl(httpUrl, 'traces'), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-protobuf' },
    body: ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array<ArrayBuffer>,
  });
  await response.body?.cancel();
  return response.status;
}

/** Calls the gRPC trace service with the spans; the status code (`GrpcStatus.OK` when taken). */
export async function exportOverGrpc(address: string, spans: ReadableSpan[], metadata: Record<string, string> = {}): Promise<GrpcStatus> {
  const client = new Client(address, credentials.createInsecure());
  const sent = new Metadata();
  for (const [key, value] of Object.entries(metadata)) sent.set(key, value);
  try {
    return await new Promise<GrpcStatus>((resolve) => {
      client.makeUnaryRequest(
        TRACE_EXPORT_METHOD,
        (body: Uint8Array) => Buffer.from(body),
        (reply: Buffer) => reply,
        ProtobufTraceSerializer.serializeRequest(spans)!,
        sent,
        { deadline: Date.now() + 10_000 },
        (error: ServiceError | null) => resolve(error ? error.code : GrpcStatus.OK),
      );
    });
  } finally {
    client.close();
  }
}

export { GrpcStatus };
