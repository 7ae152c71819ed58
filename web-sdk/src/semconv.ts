/**
 * Attribute keys the SDK writes. Copied rather than imported from the incubating semconv entry,
 * which would pull every key into the bundle.
 */
export { ATTR_SESSION_ID, ATTR_USER_TIER, ATTR_ENDUSER_ID } from '@journeytrace/contract';
export const ATTR_SESSION_PREVIOUS_ID = 'session.previous_id';
export const ATTR_EXCEPTION_TYPE = 'exception.type';
export const ATTR_EXCEPTION_MESSAGE = 'exception.message';
export const ATTR_URL_FULL = 'url.full';
export const ATTR_URL_PATH = 'url.path';
export const ATTR_EVENT_NAME = 'event.name';
export const ATTR_BROWSER_EVENT_TYPE = 'browser.event.type';
export const ATTR_BROWSER_TARGET = 'browser.target';
export const ATTR_NAVIGATION_FROM = 'browser.navigation.from';
export const ATTR_NAVIGATION_TYPE = 'browser.navigation.type';
export const ATTR_WEB_VITAL_NAME = 'web_vital.name';
export const ATTR_WEB_VITAL_VALUE = 'web_vital.value';
export const ATTR_WEB_VITAL_RATING = 'web_vital.rating';
export const ATTR_WEB_VITAL_ID = 'web_vital.id';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = 'http.request.method_original';
/** How a fetch span's response body ended (`read`, `cancelled`, `error`, `unread`, `none`, `pending`): the SDK's own attribute. */
export const ATTR_FETCH_BODY = 'journeytrace.fetch.body';
