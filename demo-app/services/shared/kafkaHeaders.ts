/**
 * Reading the trace context from Kafka record headers. kafkajs hands headers back as Buffers
 * (or arrays of them, for a repeated key), whatever the producer sent; the W3C propagators need
 * strings. Pure, so the carrier rules are tested without a broker.
 */
import type { TextMapGetter } from '@opentelemetry/api';

/** A kafkajs record's headers (`IHeaders`): values as Buffers or strings, repeated keys as arrays. */
export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/**
 * A getter for `propagation.extract` over Kafka headers. Header keys are matched exactly (Kafka
 * keys are case-sensitive, and producers write them lower-case as W3C names them); a repeated
 * key gives all its values, as HTTP header lists do; anything else is absent.
 */
export const kafkaHeaderGetter: TextMapGetter<KafkaHeaders | undefined> = {
  keys: (carrier) => Object.keys(carrier ?? {}),
  get(carrier, key) {
    const value = carrier?.[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map(headerText);
    return headerText(value);
  },
};

/** A header value as text: Buffers are read as UTF-8 (what kafkajs producers write for strings). */
export function headerText(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}
