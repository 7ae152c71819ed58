import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { injectTraceparentMeta, isHtmlResponse, traceparentMetaTag } from './htmlMeta.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Records what the middleware asks of workerd's HTMLRewriter (which Node does not have). */
class RecordingRewriter {
  static prepended: string[] = [];
  private handler?: { element(element: { prepend(content: string, options: { html: boolean }): void }): void };
  on(selector: string, handler: NonNullable<RecordingRewriter['handler']>) {
    assert.equal(selector, 'head');
    this.handler = handler;
    return this;
  }
  transform(response: Response) {
    const element = { prepend: (content: string) => RecordingRewriter.prepended.push(content) };
    this.handler!.element(element);
    this.handler!.element(element); // a second <head> gets nothing
    return new Response(response.body, response);
  }
}

describe('traceparent meta tag', () => {
  it('writes the tag, stripping anything but hex and dashes', () => {
    assert.equal(traceparentMetaTag(TRACEPARENT), `<meta name="traceparent" content="${TRACEPARENT}">`);
    assert.equal(traceparentMetaTag('00-"><script>'), '<meta name="traceparent" content="00-c">');
  });

  it('rewrites HTML only, once per document', () => {
    RecordingRewriter.prepended = [];
    const html = new Response('<html><head></head></html>', { headers: { 'content-type': 'text/html; charset=utf-8' } });
    const json = new Response('{}', { headers: { 'content-type': 'application/json' } });
    assert.notEqual(injectTraceparentMeta(html, TRACEPARENT, RecordingRewriter), html);
    assert.equal(injectTraceparentMeta(json, TRACEPARENT, RecordingRewriter), json);
    assert.deepEqual(RecordingRewriter.prepended, [traceparentMetaTag(TRACEPARENT)]);
  });

  it('leaves responses alone where there is no HTMLRewriter, or no body', () => {
    const html = new Response('<html></html>', { headers: { 'content-type': 'text/html' } });
    assert.equal(injectTraceparentMeta(html, TRACEPARENT, undefined), html);
    assert.equal(isHtmlResponse(new Response(null, { status: 204, headers: { 'content-type': 'text/html' } })), false);
  });
});
