/**
 * The orders topic's broker: one Apache Kafka node in KRaft mode (broker and controller in one
 * JVM), on its own loopback ports, its log under the run's folder, with a small heap.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaInstall } from '../setup/kafka.js';
import type { ServiceSpec } from './service.js';

export interface KafkaBrokerOptions {
  install: KafkaInstall;
  /** The client listener (what `KAFKA_BROKERS` names). */
  port: number;
  /** The KRaft controller listener. */
  controllerPort: number;
  /** The broker's folder: its config and its log (topics, offsets); kept across restarts. */
  dataDir: string;
  logFile: string;
  echo?: boolean;
}

/**
 * How long the broker may take to listen: about 4 s on an idle two-core machine, but two JVM
 * starts (format, broker) on a loaded one took over 30 s here.
 */
export const KAFKA_READY_TIMEOUT_MILLIS = 90_000;

/**
 * JVM flags: a heap of at most 256 MiB, the serial collector and the C1 compiler only, which
 * start fastest and use the least CPU and memory on a small shared machine; the broker's
 * throughput here is a demo's.
 */
export const KAFKA_JVM_FLAGS = [
  '-Xms64m',
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
  // Warnings and errors only: at INFO the broker writes ~3000 lines per start.
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
  '-Dorg.slf4j.simpleLogger.showDateTime=true',
  "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
];

/**
 * `server.properties` for a single-node KRaft cluster. Replication factors are 1 (one node), the
 * offsets topic has one partition (50 by default: seconds of start-up for nothing here) and a
 * consumer group's first rebalance does not wait (3 s by default). Topics are created by the
 * services, never by a typo.
 */
export function kafkaServerProperties(options: { port: number; controllerPort: number; logDir: string }): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${options.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${options.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${options.logDir}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (Kafka's `Uuid`); it may start with `-`, so pass it as `--cluster-id=<id>`. */
export function kafkaClusterId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The broker as a stack service. Its command formats the log folder first, unless it already is:
 * a restart keeps every topic, message and committed offset.
 */
export function kafkaBrokerSpec(options: KafkaBrokerOptions): ServiceSpec {
  const logDir = join(options.dataDir, 'log');
  mkdirSync(logDir, { recursive: true });
  const config = join(options.dataDir, 'server.properties');
  writeFileSync(config, kafkaServerProperties({ port: options.port, controllerPort: options.controllerPort, logDir }));
  const java = [options.install.java, ...KAFKA_JVM_FLAGS, '-cp', `${options.install.libs}/*`].map(shellQuote).join(' ');
  // A formatted folder has meta.properties: a restart skips the format JVM (1-5 s here).
  const format = `[ -f ${shellQuote(join(logDir, 'meta.properties'))} ] || ${java} kafka.tools.StorageTool format --ignore-formatted --cluster-id=${kafkaClusterId()} -c ${shellQuote(config)}`;
  return {
    name: 'kafka',
    command: '/bin/sh',
    args: ['-c', `${format} && exec ${java} kafka.Kafka ${shellQuote(config)}`],
    env: { ...process.env },
    logFile: options.logFile,
    echo: options.echo,
    readyUrl: `tcp://127.0.0.1:${options.port}`,
    readyTimeoutMillis: KAFKA_READY_TIMEOUT_MILLIS,
    // A controlled shutdown of a one-node cluster ends in well under this; past it, SIGKILL.
    stopTimeoutMillis: 10_000,
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}
