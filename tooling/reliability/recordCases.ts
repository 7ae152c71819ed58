/**
 * Reports how many generated cases a property test tried (for the README's reliability
 * figures). Called after `fc.assert` returned: it throws on the first failing case, so a
 * property that returns has held for every one of its `numRuns` cases.
 */
import { recordFigure } from './figures.js';

export function casesRecorder(suite: string): (property: string, cases: number) => void {
  return (property, cases) => recordFigure(`property ${suite} ${property}`, { kind: 'property', suite, property, cases });
}
