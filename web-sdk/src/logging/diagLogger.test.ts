import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { diag, type DiagLogger } from '@opentelemetry/api';
import { installDiagLogger } from './diagLogger.js';

/** What reached the logger while `run` ran (the console's keeps the console methods of its load time). */
function loggedBy(run: (logger: DiagLogger) => void): string[] {
  const seen: string[] = [];
  const record = (level: string) => (message: string) => void seen.push(`${level}: ${message}`);
  run({ error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug'), verbose: record('verbose') });
  return seen;
}

describe('installDiagLogger (OTEL_LOG_LEVEL)', () => {
  afterEach(() => diag.disable());

  it('shows the SDK diagnostics from the level named, any case', () => {
    const seen = loggedBy((logger) => {
      installDiagLogger(' Warn ', logger);
      diag.warn('journeytrace: spans dropped');
      diag.info('not shown at warn');
    });
    assert.deepEqual(seen, ['warn: journeytrace: spans dropped']);
  });

  it('installs nothing when unset or empty: a logger the app set stays', () => {
    const seen = loggedBy((logger) => {
      installDiagLogger(undefined, logger);
      installDiagLogger('  ', logger);
      diag.warn('nobody listens');
    });
    assert.deepEqual(seen, []);
  });

  it('an unknown level means info, and says so', () => {
    const seen = loggedBy((logger) => {
      installDiagLogger('loud', logger);
      diag.info('shown at info');
      diag.debug('not shown');
    });
    assert.equal(seen.length, 2);
    assert.match(seen[0]!, /^warn: journeytrace: OTEL_LOG_LEVEL="loud" is not a level/);
    assert.equal(seen[1], 'info: shown at info');
  });

  it('none silences, and a level named like an Object member or by a digit is not one', () => {
    const silenced = loggedBy((logger) => {
      installDiagLogger('none', logger);
      diag.error('silenced');
    });
    assert.deepEqual(silenced, []);
    for (const name of ['constructor', 'toString', '1', '60']) {
      assert.match(loggedBy((logger) => installDiagLogger(name, logger))[0] ?? '', /not a level/, name);
    }
  });

  it('writes to the console level by level when no logger is given', () => {
    const original = { ...console };
    const seen: string[] = [];
    for (const method of ['error', 'warn', 'info', 'debug', 'trace'] as const)
      console[method] = (message: unknown) => void seen.push(`${method}: ${String(message)}`);
    try {
      installDiagLogger('all');
      diag.error('e');
      diag.warn('w');
      diag.info('i');
      diag.debug('d');
      diag.verbose('v');
    } finally {
      Object.assign(console, original);
      diag.disable();
    }
    assert.deepEqual(
      seen.filter((line) => !line.includes('@opentelemetry/api')),
      ['error: e', 'warn: w', 'info: i', 'debug: d', 'trace: v'],
    );
  });
});
