/**
 * Whether a URL names this machine: an IPv4 address in 127.0.0.0/8, the IPv6 loopback `::1`, or
 * `localhost`. The WHATWG URL parser has already normalized the host (`127.1`, `0x7f.0.0.1` and
 * `2130706433` are `127.0.0.1`, `[0:0::1]` is `[::1]`, letters are lower case), so these are the
 * only forms to compare. Names under `.localhost` and IPv4-mapped IPv6 (`[::ffff:7f00:1]`) do not
 * count: the first depends on a resolver, and neither is needed.
 */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || LOOPBACK_IPV4.test(host);
}

const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
