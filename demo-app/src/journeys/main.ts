/**
 * The journey view: recent journeys from the collector's output, and one drawn as a
 * waterfall (service, span, duration bars, parent/child, errors in red, attributes on hover).
 */
import type { KeptSpan } from '@journeytrace/playwright/collector-output';
import { layoutTrace, SPAN_KIND_NAMES } from '@journeytrace/playwright/trace-tree';
import type { JourneySummary } from '../../server/journeysApi.js';
import type { RouteLatency } from '../../server/latency.js';

const list = document.querySelector<HTMLUListElement>('[data-testid=journey-list]')!;
const latency = document.querySelector<HTMLTableSectionElement>('[data-testid=latency] tbody')!;
const waterfall = document.querySelector<HTMLElement>('[data-testid=waterfall]')!;
const REFRESH_MILLIS = 1500;
const SERVICE_COLORS = ['#364fc7', '#0c8599', '#2b8a3e', '#e67700', '#862e9c', '#a61e4d', '#5c940d', '#1864ab'];
const serviceColor = (service: string) =>
  SERVICE_COLORS[[...service].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7) % SERVICE_COLORS.length]!;

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

function renderList(journeys: JourneySummary[], selected: string): void {
  list.replaceChildren(
    ...journeys.map((journey) => {
      const item = document.createElement('li');
      if (journey.error) item.className = 'error';
      const link = document.createElement('a');
      link.href = `#${journey.traceId}`;
      link.dataset.traceId = journey.traceId;
      if (journey.traceId === selected) link.setAttribute('aria-current', 'true');
      const name = document.createElement('div');
      name.className = 'name';
      name.textContent = journey.name;
      const meta = document.createElement('div');
      meta.className = 'meta';
      meta.textContent = `${new Date(journey.startMillis).toLocaleTimeString()} · ${journey.durationMillis} ms · ${journey.spanCount} spans${journey.tier ? ` · ${journey.tier}` : ''}`;
      link.append(name, meta);
      item.append(link);
      return item;
    }),
  );
}

const millis = (seconds: number) => `${Math.round(seconds * 1000)} ms`;

function renderLatency(routes: RouteLatency[]): void {
  latency.replaceChildren(
    ...routes.map((route) => {
      const row = document.createElement('tr');
      row.dataset.testid = 'latency-row';
      row.dataset.service = route.service;
      row.dataset.route = route.route;
      const cells = [`${route.service} ${route.method} ${route.route}`, millis(route.p50Seconds), millis(route.p95Seconds), String(route.count)].map(
        (text, index) => {
          const cell = document.createElement('td');
          cell.textContent = text;
          if (index > 0) cell.className = 'num';
          return cell;
        },
      );
      const example = document.createElement('td');
      if (route.slowExample) {
        const link = document.createElement('a');
        link.href = `#${route.slowExample.traceId}`;
        link.dataset.testid = 'exemplar-link';
        link.textContent = millis(route.slowExample.seconds);
        link.title = `exemplar: trace ${route.slowExample.traceId}`;
        example.append(link);
      }
      row.append(...cells, example);
      return row;
    }),
  );
}

function renderWaterfall(traceId: string, spans: KeptSpan[]): void {
  if (spans.length === 0) {
    waterfall.innerHTML = '';
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = `Journey ${traceId} is not in the collector's output yet (or was not kept); looking again…`;
    waterfall.append(empty);
    return;
  }
  const { rows, totalMillis } = layoutTrace(spans);
  const head = document.createElement('div');
  head.className = 'trace-head';
  head.innerHTML = `<strong>${rows.length} spans</strong>, ${totalMillis} ms · <code></code>`;
  head.querySelector('code')!.textContent = traceId;
  waterfall.replaceChildren(
    head,
    ...rows.map((row) => {
      const { span } = row;
      const element = document.createElement('div');
      element.className = `row${span.statusCode === 2 ? ' error' : ''}${row.orphan ? ' orphan' : ''}`;
      element.dataset.testid = 'span-row';
      element.dataset.service = span.service;
      element.dataset.spanId = span.spanId;
      element.title = Object.entries({ ...span.attributes, 'span.kind': SPAN_KIND_NAMES[span.kind] })
        .map(([key, value]) => `${key} = ${String(value)}`)
        .join('\n');
      const label = document.createElement('div');
      label.className = 'label';
      label.style.paddingLeft = `${row.depth * 14}px`;
      const service = document.createElement('span');
      service.className = 'service';
      service.style.background = serviceColor(span.service);
      service.textContent = span.service;
      const kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = SPAN_KIND_NAMES[span.kind] ?? '';
      label.append(service, span.name, kind);
      const track = document.createElement('div');
      track.className = 'track';
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.left = `${totalMillis ? (row.offsetMillis / totalMillis) * 85 : 0}%`;
      bar.style.width = `${totalMillis ? (row.durationMillis / totalMillis) * 85 : 0}%`;
      const duration = document.createElement('span');
      duration.textContent = `${row.durationMillis} ms`;
      bar.append(duration);
      track.append(bar);
      element.append(label, track);
      return element;
    }),
  );
}

async function refresh(): Promise<void> {
  const selected = location.hash.slice(1);
  try {
    renderList(await getJson<JourneySummary[]>('/api/journeys'), selected);
    renderLatency(await getJson<RouteLatency[]>('/api/latency'));
    if (selected) renderWaterfall(selected, await getJson<KeptSpan[]>(`/api/journeys/${selected}`));
  } catch (error) {
    waterfall.textContent = `Could not read journeys: ${error instanceof Error ? error.message : String(error)}`;
  }
}

addEventListener('hashchange', () => void refresh());
void refresh();
// Spans arrive after the collector's tail-sampling decision: keep the view current.
setInterval(() => void refresh(), REFRESH_MILLIS);
