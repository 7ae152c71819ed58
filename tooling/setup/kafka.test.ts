import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SetupError } from '../lib/log.js';
import { ensureKafka, KAFKA_VERSION, kafkaPom } from './kafka.js';

describe('ensureKafka', () => {
  it('says in one line that Java is missing when there is none', async (t) => {
    const saved = { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME };
    t.after(() => Object.assign(process.env, saved));
    process.env.PATH = '/nonexistent';
    delete process.env.JAVA_HOME;
    await assert.rejects(ensureKafka(), (error: Error) => {
      assert.ok(error instanceof SetupError);
      assert.match(error.message, /^Java is not installed: the Kafka 4\.4\.0 broker needs Java 17 or later/);
      assert.ok(!error.message.includes('\n'));
      return true;
    });
  });
});

describe('kafkaPom', () => {
  it('names the broker, its tools and an slf4j binding at pinned versions', () => {
    const pom = kafkaPom();
    for (const artifact of ['kafka_2.13', 'kafka-tools'])
      assert.ok(pom.includes(`<artifactId>${artifact}</artifactId><version>${KAFKA_VERSION}</version>`), artifact);
    assert.match(pom, /<artifactId>slf4j-simple<\/artifactId><version>1\.7\.36<\/version>/);
  });
});
