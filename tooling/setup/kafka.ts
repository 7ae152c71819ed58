/**
 * Apache Kafka for the orders topic: its jars, fetched once from Maven Central with Maven
 * (`dependency:copy-dependencies` of the broker, its tools and an slf4j binding) and cached
 * under `.cache/kafka/<version>/libs`. After that the stack starts the broker offline. The
 * broker runs on the machine's Java (Kafka 4 needs Java 17 or later).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { progress, SetupError } from '../lib/log.js';
import { CACHE_DIR } from '../lib/paths.js';
import { lastLines, run } from '../lib/run.js';
import { acquireLock } from './collector.js';

export const KAFKA_VERSION = '4.4.0';
/** The slf4j binding Kafka's own slf4j-api (1.7.x) logs through: plain lines on stderr. */
const SLF4J_SIMPLE_VERSION = '1.7.36';

export interface KafkaInstall {
  /** `java` to run the broker with. */
  java: string;
  /** The folder of the broker's jars (the class path is `<libs>/*`). */
  libs: string;
}

/**
 * The broker's jars and a Java to run them: `KAFKA_LIBS` (a folder of Kafka jars), else the
 * cache, else a fetch with Maven. Throws a one-line `SetupError` naming what is missing.
 */
export async function ensureKafka(): Promise<KafkaInstall> {
  const java = findOnPath('java', process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin')] : []);
  if (!java)
    throw new SetupError(`Java is not installed: the Kafka ${KAFKA_VERSION} broker needs Java 17 or later (Debian: apt-get install openjdk-17-jre-headless).`);
  const fromEnv = process.env.KAFKA_LIBS;
  if (fromEnv) {
    if (!hasKafkaJars(fromEnv)) throw new SetupError(`KAFKA_LIBS=${fromEnv} holds no kafka_2.13-*.jar.`);
    return { java, libs: fromEnv };
  }
  const dir = join(CACHE_DIR, 'kafka', KAFKA_VERSION);
  const libs = join(dir, 'libs');
  if (hasKafkaJars(libs)) return { java, libs };
  const mvn = findOnPath('mvn', []);
  if (!mvn)
    throw new SetupError(
      `Kafka ${KAFKA_VERSION} is not fetched and Maven is not installed: install Maven (Debian: apt-get install maven) or set KAFKA_LIBS to a folder of Kafka jars.`,
    );
  mkdirSync(dir, { recursive: true });
  // Runs started together (tests beside a demo) fetch once: the others wait for the lock.
  const release = await acquireLock(join(dir, '.lock'));
  try {
    if (!hasKafkaJars(libs)) await fetchKafka(mvn, dir, libs);
    return { java, libs };
  } finally {
    release();
  }
}

async function fetchKafka(mvn: string, dir: string, libs: string): Promise<void> {
  progress(`fetching Apache Kafka ${KAFKA_VERSION} from Maven Central (first run only)…`);
  writeFileSync(join(dir, 'pom.xml'), kafkaPom());
  // Into a fresh folder first, so an interrupted fetch never looks like a finished one.
  const partial = join(dir, 'libs.partial');
  rmSync(partial, { recursive: true, force: true });
  const fetch = await run(mvn, ['-B', '-q', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${partial}`], {
    cwd: dir,
    logFile: join(dir, 'fetch.log'),
  });
  if (fetch.code !== 0 || !hasKafkaJars(partial)) {
    throw new SetupError(`fetching Kafka ${KAFKA_VERSION} with Maven failed (log: ${join(dir, 'fetch.log')}):\n${lastLines(fetch.output)}`);
  }
  renameSync(partial, libs);
  progress(`Kafka ${KAFKA_VERSION} fetched: ${readdirSync(libs).length} jars in ${libs}`);
}

/** A POM whose only job is to name the broker's artifacts for `copy-dependencies`. */
export function kafkaPom(): string {
  const dependency = (group: string, artifact: string, version: string) =>
    `    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>`;
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>dev.journeytrace</groupId><artifactId>kafka-broker</artifactId><version>1</version><packaging>pom</packaging>',
    '  <dependencies>',
    dependency('org.apache.kafka', 'kafka_2.13', KAFKA_VERSION),
    dependency('org.apache.kafka', 'kafka-tools', KAFKA_VERSION),
    dependency('org.slf4j', 'slf4j-simple', SLF4J_SIMPLE_VERSION),
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

function hasKafkaJars(dir: string): boolean {
  try {
    return readdirSync(dir).some((file) => file.startsWith('kafka_2.13-') && file.endsWith('.jar'));
  } catch {
    return false;
  }
}

function findOnPath(name: string, extraDirs: string[]): string | undefined {
  const dirs = [...extraDirs, ...(process.env.PATH ?? '').split(delimiter)].filter(Boolean);
  return dirs.map((dir) => join(dir, name)).find((candidate) => existsSync(candidate));
}
