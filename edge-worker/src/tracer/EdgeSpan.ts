import {
  diag,
  type Attributes,
  type AttributeValue,
  type Exception,
  type HrTime,
  type Link,
  type Span as ApiSpan,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { cleanAttributes, cleanSimpleAttributes, hrTimeToMilliseconds, isAnyValue, isTimeInput, millisToHrTime, timeInputToHrTime } from '@opentelemetry/core';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace';
import { SPAN_STATUS_CODE } from './api.js';

/** Per-span limits, as sdk-trace-base's defaults (`OTEL_SPAN_*_COUNT_LIMIT`). */
export const SPAN_LIMITS = { attributes: 128, events: 128, links: 128, attributesPerEvent: 128, attributesPerLink: 128 } as const;

/** What every span of one tracer shares. */
export interface EdgeSpanScope {
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly processors: readonly SpanProcessor[];
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * What a span without links, events or a status set shares with every other one: most edge
 * spans have none, and a span waits in the isolate's buffer until its export, so each object
 * it holds is copied by every young-generation GC meanwhile. Frozen, so nothing can change the
 * shared copies; a span makes its own array or status on its first write.
 */
const NO_LINKS: Link[] = Object.freeze([]) as unknown as Link[];
const NO_EVENTS: TimedEvent[] = Object.freeze([]) as unknown as TimedEvent[];
const UNSET_STATUS: SpanStatus = Object.freeze({ code: SPAN_STATUS_CODE.UNSET });

/**
 * A recording span for the edge: the OpenTelemetry API `Span` and sdk-trace-base's
 * `ReadableSpan`, so any span processor and exporter take it. It behaves as sdk-trace-base's
 * span (limits, status rules, exception events, one `end()`), with less work per span: times
 * are kept in milliseconds (workerd's clock has no finer grain) and turned into `HrTime` only
 * when read, attributes go straight into one object.
 */
export class EdgeSpan implements ApiSpan, ReadableSpan {
  name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly attributes: Attributes = {};
  status: SpanStatus = UNSET_STATUS;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  private readonly _spanContext: SpanContext;
  private readonly _scope: EdgeSpanScope;
  private readonly _startMillis: number;
  private _endMillis = -1;
  private _attributeCount = 0;
  private _links: Link[] = NO_LINKS;
  private _events: TimedEvent[] = NO_EVENTS;

  constructor(
    scope: EdgeSpanScope,
    spanContext: SpanContext,
    name: string,
    kind: SpanKind,
    parentSpanContext: SpanContext | undefined,
    attributes: Attributes | undefined,
    links: readonly Link[] | undefined,
    startTime: TimeInput | undefined,
  ) {
    this._scope = scope;
    this._spanContext = spanContext;
    this.name = name;
    this.kind = kind;
    this.parentSpanContext = parentSpanContext;
    this._startMillis = startTime === undefined ? Date.now() : toMillis(startTime);
    if (attributes) this.setAttributes(attributes);
    if (links) for (const link of links) this.addLink(link);
  }

  get links(): Link[] {
    return this._links;
  }

  get events(): TimedEvent[] {
    return this._events;
  }

  get resource(): Resource {
    return this._scope.resource;
  }

  get instrumentationScope(): InstrumentationScope {
    return this._scope.instrumentationScope;
  }

  get startTime(): HrTime {
    return millisToHrTime(this._startMillis);
  }

  get endTime(): HrTime {
    return this._endMillis < 0 ? [0, 0] : millisToHrTime(this._endMillis);
  }

  get duration(): HrTime {
    return this._endMillis < 0 ? [-1, -1] : millisToHrTime(this._endMillis - this._startMillis);
  }

  get ended(): boolean {
    return this._endMillis >= 0;
  }

  spanContext(): SpanContext {
    return this._spanContext;
  }

  isRecording(): boolean {
    return this._endMillis < 0;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value == null || this._endMillis >= 0) return this;
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      return this;
    }
    // Strings, numbers and booleans (nearly every attribute) need no further check. Others may be
    // any AnyValue (maps, mixed arrays, bytes), as OpenTelemetry JS 3's spans take them.
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean' && !isAnyValue(value)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    if (!hasOwn.call(this.attributes, key)) {
      if (this._attributeCount >= SPAN_LIMITS.attributes) {
        this.droppedAttributesCount += 1;
        return this;
      }
      this._attributeCount += 1;
    }
    this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) if (hasOwn.call(attributes, key)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this._endMillis >= 0) return this;
    if (isTimeInput(attributesOrTime)) {
      if (!isTimeInput(time)) time = attributesOrTime;
      attributesOrTime = undefined;
    }
    if (this._events === NO_EVENTS) this._events = [];
    if (this._events.length >= SPAN_LIMITS.events) {
      this._events.shift();
      this.droppedEventsCount += 1;
    }
    // Event attributes stay simple values (OTEP 4485), cleaned and counted as the SDK does.
    const cleaned = cleanSimpleAttributes(attributesOrTime, { attributeCountLimit: SPAN_LIMITS.attributesPerEvent, attributeValueLengthLimit: Infinity });
    this._events.push({ name, time: millisToHrTime(time === undefined ? Date.now() : toMillis(time)), ...cleaned });
    return this;
  }

  addLink(link: Link): this {
    if (this._endMillis >= 0) return this;
    if (this._links === NO_LINKS) this._links = [];
    if (this._links.length >= SPAN_LIMITS.links) {
      this._links.shift();
      this.droppedLinksCount += 1;
    }
    // Link attributes may be any AnyValue, cleaned and counted as the SDK does.
    this._links.push({
      context: link.context,
      ...cleanAttributes(link.attributes, { attributeCountLimit: SPAN_LIMITS.attributesPerLink, attributeValueLengthLimit: Infinity }),
    });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  /** As the SDK: UNSET is ignored, OK is final, a message is kept for ERROR only. */
  setStatus(status: SpanStatus): this {
    if (this._endMillis >= 0 || status.code === SPAN_STATUS_CODE.UNSET || this.status.code === SPAN_STATUS_CODE.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SPAN_STATUS_CODE.ERROR && typeof status.message === 'string') next.message = status.message;
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (this._endMillis < 0) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this._endMillis >= 0) {
      diag.error(`${this.name} ${this._spanContext.traceId}-${this._spanContext.spanId} - You can only call end() on a span once.`);
      return;
    }
    // Never before the start (a clock step back, or an end time from another clock).
    this._endMillis = Math.max(this._startMillis, endTime === undefined ? Date.now() : toMillis(endTime));
    for (const processor of this._scope.processors) processor.onEnd(this);
  }

  /** The `exception` event of the semantic conventions, as the SDK writes it. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) this.addEvent('exception', attributes, time);
    else diag.warn(`Failed to record an exception ${String(exception)}`);
  }
}

/** Epoch milliseconds of a time input, read as the SDK reads it. */
const toMillis = (time: TimeInput): number => hrTimeToMilliseconds(timeInputToHrTime(time));
