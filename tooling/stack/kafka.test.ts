import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kafkaBrokerSpec, kafkaClusterId, kafkaServerProperties } from './kafka.js';

describe('kafkaServerProperties', () => {
  it('describes one KRaft node on loopback, on the given ports and folder', () => {
    const properties = Object.fromEntries(
      kafkaServerProperties({ port: 19092, controllerPort: 19093, logDir: '/data/kafka/log' })
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    assert.equal(properties['process.roles'], 'broker,controller');
    assert.equal(properties['controller.quorum.voters'], '1@127.0.0.1:19093');
    assert.equal(properties.listeners, 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    assert.equal(properties['advertised.listeners'], 'PLAINTEXT://127.0.0.1:19092');
    assert.equal(properties['log.dirs'], '/data/kafka/log');
    assert.equal(properties['offsets.topic.replication.factor'], '1');
    assert.equal(properties['auto.create.topics.enable'], 'false');
  });
});

describe('kafkaClusterId', () => {
  it("is Kafka's Uuid form: 22 URL-safe base64 characters, a new one each time", () => {
    const ids = new Set(Array.from({ length: 50 }, kafkaClusterId));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  });
});

describe('kafkaBrokerSpec', () => {
  it('writes its config, formats only an unformatted folder, passes the id as --cluster-id=, and bounds the heap', (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), "kafka spec's "));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const spec = kafkaBrokerSpec({
      install: { java: '/usr/bin/java', libs: '/opt/kafka libs' },
      port: 19092,
      controllerPort: 19093,
      dataDir,
      logFile: '/dev/null',
    });
    assert.match(readFileSync(join(dataDir, 'server.properties'), 'utf8'), /listeners=PLAINTEXT:\/\/127\.0\.0\.1:19092/);
    const script = spec.args[1]!;
    assert.equal(spec.command, '/bin/sh');
    // A cluster id may start with '-': as a separate argument it would read as an option.
    assert.match(script, /--cluster-id=[A-Za-z0-9_-]{22} /);
    assert.match(script, /\[ -f '.*meta\.properties' \] \|\| /);
    assert.match(script, /&& exec '\/usr\/bin\/java' '-Xms64m' '-Xmx256m' /);
    // Paths with spaces and quotes stay one shell word.
    assert.ok(script.includes(`'/opt/kafka libs/*'`));
    assert.ok(script.includes(`'${dataDir.replaceAll("'", "'\\''")}/server.properties'`));
    assert.equal(spec.readyUrl, 'tcp://127.0.0.1:19092');
  });
});
