/**
 * Attribute keys used by the edge. Stable keys come from @opentelemetry/semantic-conventions;
 * incubating ones are copied here (as the OpenTelemetry instrumentations do) so the bundle
 * never imports the incubating entry.
 */
export {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';

export const ATTR_CLOUD_PROVIDER = 'cloud.provider';
export const ATTR_CLOUD_PLATFORM = 'cloud.platform';
export const CLOUD_PROVIDER_VALUE_CLOUDFLARE = 'cloudflare';
export const CLOUD_PLATFORM_VALUE_CLOUDFLARE_WORKERS = 'cloudflare.workers';

/** Whether the user claims in baggage (`user.tier`, `enduser.id`) were verified at the edge. */
export const ATTR_JOURNEYTRACE_BAGGAGE_VERIFIED = 'journeytrace.baggage.verified';
