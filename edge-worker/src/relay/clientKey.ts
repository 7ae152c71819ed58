/**
 * Who a relay request counts against for the rate limit. A client must not be able to choose
 * its own key: a fresh key per request would be a fresh bucket per request.
 */

/** The key of every request whose sender cannot be told apart: they share one bucket. */
export const SHARED_CLIENT_KEY = 'shared';

/**
 * The client's address as Cloudflare's edge saw it (`CF-Connecting-IP`), only where Cloudflare
 * set that header; anywhere else {@link SHARED_CLIENT_KEY}.
 *
 * Cloudflare's edge overwrites `CF-Connecting-IP` and gives the request its `cf` object. Off
 * Cloudflare (Node, Deno, Bun, a test's `Request`) there is no `cf`, and the header is whatever
 * the client sent. `wrangler dev` gives a `cf` object too (a placeholder), but passes a client's
 * `CF-Connecting-IP` through unchanged (miniflare's entry worker adds the peer's address only when
 * the header is missing). Its requests are told apart by their URL: `wrangler dev` is reached at
 * `localhost` or an IP address, while on Cloudflare a request's URL carries the domain name its
 * route matched (Cloudflare refuses requests to a bare IP address: error 1003).
 *
 * @see https://developers.cloudflare.com/fundamentals/reference/http-headers/#cf-connecting-ip
 */
export function platformClientKey(request: Request): string {
  if (!fromCloudflareEdge(request)) return SHARED_CLIENT_KEY;
  return request.headers.get('cf-connecting-ip')?.trim() || SHARED_CLIENT_KEY;
}

function fromCloudflareEdge(request: Request): boolean {
  const cf = (request as Request & { cf?: unknown }).cf;
  return typeof cf === 'object' && cf !== null && !isLocalHostname(new URL(request.url).hostname);
}

/** `localhost` (and its subdomains) or an IP address, as a URL's hostname writes them (IPv4 dotted, IPv6 in brackets). */
function isLocalHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}
