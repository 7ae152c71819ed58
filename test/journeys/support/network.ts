import type { CDPSession, Page } from '@playwright/test';

export interface RecordedRequest {
  url: string;
  method: string;
  /** CDP's resource type (`Fetch`, `Preflight`, `Other`, ...). */
  type?: string;
  /** Lower-case names, as they went on the wire. */
  headers: Record<string, string>;
}

/** Every request the page sends (preflights included), with the headers that went on the wire. */
export async function recordNetwork(page: Page): Promise<{ all: () => RecordedRequest[] }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const requests = new Map<string, RecordedRequest>();
  cdp.on('Network.requestWillBeSent', (event) => {
    const known = requests.get(event.requestId);
    requests.set(event.requestId, {
      url: event.request.url,
      method: event.request.method,
      type: event.type,
      headers: { ...lower(event.request.headers), ...known?.headers },
    });
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
    const known = requests.get(event.requestId);
    requests.set(event.requestId, {
      url: known?.url ?? '',
      method: known?.method ?? '',
      type: known?.type,
      headers: { ...known?.headers, ...lower(event.headers) },
    });
  });
  await cdp.send('Network.enable');
  return { all: () => [...requests.values()] };
}

/** A CORS preflight, as CDP reports it (its own type, or an OPTIONS request). */
export const isPreflight = (request: RecordedRequest) => request.method === 'OPTIONS' || request.type === 'Preflight';

function lower(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), String(value)]));
}
