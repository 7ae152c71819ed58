import type { Context } from 'hono';

/**
 * The edge's own HTML page (`GET /`): where the shop lives and what the edge serves. Being
 * HTML, it also shows the trace middleware's `<meta name="traceparent">`.
 */
export function landingPage(c: Context): Response {
  return c.html(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>journeytrace edge</title></head>
<body>
<h1>journeytrace edge worker</h1>
<p>The demo shop calls <code>POST /api/checkout</code> here; browser spans are relayed at <code>POST /v1/traces</code>.</p>
</body>
</html>`);
}
