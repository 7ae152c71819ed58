/**
 * `<meta name="traceparent">` for HTML the worker serves or proxies, so the page's own
 * document-load span can join the edge's trace even where `Server-Timing` is not readable.
 * Uses workerd's streaming HTMLRewriter; where there is none (Node), the response is unchanged.
 */

interface ElementLike {
  prepend(content: string, options: { html: boolean }): void;
}
interface HtmlRewriterLike {
  on(selector: string, handlers: { element(element: ElementLike): void }): HtmlRewriterLike;
  transform(response: Response): Response;
}
type HtmlRewriterClass = new () => HtmlRewriterLike;

/** The tag itself; `traceparent` is our own formatted header (hex and dashes only). */
export function traceparentMetaTag(traceparent: string): string {
  return `<meta name="traceparent" content="${traceparent.replace(/[^0-9a-f-]/g, '')}">`;
}

export function isHtmlResponse(response: Response): boolean {
  return /^text\/html\b/i.test(response.headers.get('content-type') ?? '') && response.body !== null;
}

/** Prepends the tag to the first `<head>` of an HTML response, streaming (gzip and chunked bodies included). */
export function injectTraceparentMeta(
  response: Response,
  traceparent: string,
  Rewriter = (globalThis as { HTMLRewriter?: HtmlRewriterClass }).HTMLRewriter,
): Response {
  if (!Rewriter || !isHtmlResponse(response)) return response;
  let injected = false;
  return new Rewriter()
    .on('head', {
      element(head) {
        if (injected) return;
        injected = true;
        head.prepend(traceparentMetaTag(traceparent), { html: true });
      },
    })
    .transform(response);
}
