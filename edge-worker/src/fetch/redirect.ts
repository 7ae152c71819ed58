/**
 * The Fetch standard's redirect rules, for a fetch that sends each hop itself (`redirect:
 * 'manual'`) so that it decides, hop by hop, what the next URL gets.
 *
 * @see https://fetch.spec.whatwg.org/#http-redirect-fetch
 */

/** Fetch's limit: a request that would be redirected a 21st time is a network error. */
export const REDIRECT_MAX_COUNT = 20;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** 301, 302, 303, 307 and 308: the statuses fetch follows (300 and 304 are answers). */
export function isRedirectStatus(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * The caller's credentials belong to the origin it called: a redirect to another origin drops
 * them, as undici does (the Fetch standard names `Authorization`; undici adds the cookie and
 * proxy headers, which a Worker may set itself).
 */
export const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'] as const;

/** The request-body-header names: they go with the body when a redirect turns a POST into a GET. */
const REQUEST_BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type'] as const;

/** One hop's request, as the next hop is derived from it. */
export interface HopRequest {
  url: URL;
  method: string;
  headers: Headers;
  /** A body that can be sent again (string, bytes, Blob, FormData…), a spent stream, or none. */
  body: BodyInit | null;
}

/**
 * The request that a redirect answer (`status`, `Location: location`) to `previous` leads to.
 * Throws a `TypeError`, fetch's network error, when it cannot be followed: a Location that is
 * no URL or not http(s), or a 307/308 that must resend a body that was a stream (spent: the
 * standard's "body with a null source").
 *
 * - 301/302 after a POST, and 303 after anything but GET/HEAD, become a GET without a body or
 *   its content headers; 307/308 keep method and body.
 * - To another origin, {@link CREDENTIAL_HEADERS} are removed (and stay removed after).
 *
 * `previous` is not changed. The redirect count and mode are the caller's.
 */
export function followRedirect(previous: HopRequest, status: number, location: string): HopRequest {
  let url: URL;
  try {
    url = new URL(location, previous.url);
  } catch {
    throw new TypeError(`fetch: the ${status} answer from ${previous.url.origin} has a Location that is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`fetch: a ${status} answer redirects to a ${url.protocol} URL; only http(s) is followed`);
  }
  const headers = new Headers(previous.headers);
  let { method, body } = previous;
  const becomesGet = ((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD');
  if (becomesGet) {
    method = 'GET';
    body = null;
    for (const name of REQUEST_BODY_HEADERS) headers.delete(name);
  } else if (body instanceof ReadableStream) {
    throw new TypeError(`fetch: cannot follow a ${status} redirect that must resend a streamed body`);
  }
  if (url.origin !== previous.url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  return { url, method, headers, body };
}
