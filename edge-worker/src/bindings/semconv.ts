/**
 * Database semantic conventions for the binding spans. The `db.*` keys are stable and come from
 * @opentelemetry/semantic-conventions; the registry has no `db.system.name` values for
 * Cloudflare's stores, so KV, R2 and the Cache API get custom values in the registry's
 * `<vendor>.<product>` shape (as `aws.dynamodb`, `gcp.spanner`); D1 and Durable Object SQL
 * storage are SQLite, which has a registered value.
 * @see https://opentelemetry.io/docs/specs/semconv/database/database-spans/
 */
export {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
} from '@opentelemetry/semantic-conventions';

/** Incubating: copied, not imported from the incubating entry. */
export const ATTR_DB_RESPONSE_RETURNED_ROWS = 'db.response.returned_rows';

export const DB_SYSTEM_NAME_VALUE_SQLITE = 'sqlite';
export const DB_SYSTEM_NAME_VALUE_CLOUDFLARE_KV = 'cloudflare.kv';
export const DB_SYSTEM_NAME_VALUE_CLOUDFLARE_R2 = 'cloudflare.r2';
export const DB_SYSTEM_NAME_VALUE_CLOUDFLARE_CACHE = 'cloudflare.cache';

/** The binding's name as the worker's configuration spells it (`CART`, `RECOMMENDATIONS`). */
export const ATTR_JOURNEYTRACE_BINDING_NAME = 'journeytrace.binding.name';
/** `hit` or `miss`, for lookups that may find nothing (KV and R2 get, Cache API match). */
export const ATTR_JOURNEYTRACE_LOOKUP_OUTCOME = 'journeytrace.lookup.outcome';
export const LOOKUP_OUTCOME_VALUE_HIT = 'hit';
export const LOOKUP_OUTCOME_VALUE_MISS = 'miss';
