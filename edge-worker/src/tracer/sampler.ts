/**
 * Head sampling at the edge, configured the OpenTelemetry way (`OTEL_TRACES_SAMPLER`,
 * `OTEL_TRACES_SAMPLER_ARG`). The default, `parentbased_always_on`, records every journey the
 * browser sampled and every trace the edge starts; a ratio thins out the traces the edge starts
 * itself (crawlers, health checks, server-to-server calls) while the browser's decision still
 * holds for its journeys. The collector's tail sampling decides what is kept of the rest.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#general-sdk-configuration
 */
import { diag } from '@opentelemetry/api';

export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** A sampler as plain data (part of a tracing's configuration and of its cache key). */
export interface SamplerConfig {
  name: SamplerName;
  /** For the `traceidratio` samplers: the share of traces recorded, 0..1. Default 1. */
  ratio?: number;
}

/** How the tracer decides whether a new span records. */
export interface EdgeSampler {
  /** A valid parent's sampled flag decides (the `parentbased_*` samplers). */
  readonly followsParent: boolean;
  /** The decision where the parent does not decide, by the trace id. */
  sample(traceId: string): boolean;
}

export const DEFAULT_SAMPLER: SamplerConfig = { name: 'parentbased_always_on' };

/** 2^56: the W3C Level 2 random part of a trace id is its last 7 bytes. */
const RANDOMNESS_RANGE = 2 ** 56;

export function createSampler(config: SamplerConfig = DEFAULT_SAMPLER): EdgeSampler {
  const followsParent = config.name.startsWith('parentbased_');
  const rule = followsParent ? config.name.slice('parentbased_'.length) : config.name;
  if (rule === 'always_on') return { followsParent, sample: () => true };
  if (rule === 'always_off') return { followsParent, sample: () => false };
  const ratio = config.ratio ?? 1;
  if (ratio >= 1) return { followsParent, sample: () => true };
  if (ratio <= 0) return { followsParent, sample: () => false };
  // OpenTelemetry's consistent rule: record when the trace id's randomness reaches the threshold
  // (1 - ratio) * 2^56, so every service using it with the same ratio decides a trace alike.
  const threshold = (1 - ratio) * RANDOMNESS_RANGE;
  return { followsParent, sample: (traceId) => Number.parseInt(traceId.slice(18), 16) >= threshold };
}

/**
 * Reads `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`. An unknown sampler or a ratio
 * outside 0..1 is warned about (diag) and replaced by the default, never fails a request.
 */
export function samplerFromEnv(name: string | undefined, arg: string | undefined): SamplerConfig {
  const wanted = name?.trim().toLowerCase();
  if (!wanted) return DEFAULT_SAMPLER;
  if (!(SAMPLER_NAMES as readonly string[]).includes(wanted)) {
    diag.warn(`journeytrace: OTEL_TRACES_SAMPLER=${name} is not supported at the edge (${SAMPLER_NAMES.join(', ')}); using parentbased_always_on`);
    return DEFAULT_SAMPLER;
  }
  const sampler = wanted as SamplerName;
  if (!sampler.endsWith('traceidratio')) return { name: sampler };
  if (arg === undefined || arg.trim() === '') return { name: sampler, ratio: 1 };
  const ratio = Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    diag.warn(`journeytrace: OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio from 0 to 1; using 1`);
    return { name: sampler, ratio: 1 };
  }
  return { name: sampler, ratio };
}
