import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { diag } from '@opentelemetry/api';
import { installDiagLoggerFromEnv } from './diagFromEnv.js';

describe('installDiagLoggerFromEnv', () => {
  const realLog = console.log;
  afterEach(() => {
    console.log = realLog;
  });

  const captured = () => {
    const lines: Array<Record<string, unknown>> = [];
    console.log = (line: unknown) => void lines.push(JSON.parse(String(line)) as Record<string, unknown>);
    return lines;
  };

  it('installs nothing while OTEL_LOG_LEVEL is unset, then writes diagnostics at and above its level as JSON lines', () => {
    const lines = captured();
    installDiagLoggerFromEnv({});
    diag.warn('unheard');
    assert.deepEqual(lines, []);

    installDiagLoggerFromEnv({ OTEL_LOG_LEVEL: ' WARN ' });
    diag.warn('journeytrace: span export failed', new Error('connection refused'));
    diag.info('below the level');
    assert.deepEqual(
      lines.map(({ msg, level, message }) => ({ msg, level, message })),
      [{ msg: 'journeytrace.diag', level: 'warn', message: 'journeytrace: span export failed connection refused' }],
    );

    installDiagLoggerFromEnv({ OTEL_LOG_LEVEL: 'none' });
    diag.error('silenced');
    assert.equal(lines.length, 1);
  });

  it('takes an unknown level for info, and says so', () => {
    const lines = captured();
    installDiagLoggerFromEnv({ OTEL_LOG_LEVEL: 'loud' });
    diag.info('heard at info');
    diag.debug('not at debug');
    assert.deepEqual(
      lines.map((line) => line.message),
      ['journeytrace: OTEL_LOG_LEVEL="loud" is not a level (none, error, warn, info, debug, verbose, all); using info', 'heard at info'],
    );
  });
});
