/** The parts of `cloudflare:workers` the test workers use (the repository does not depend on @cloudflare/workers-types). */
declare module 'cloudflare:workers' {
  interface WaitUntil {
    waitUntil(promise: Promise<unknown>): void;
  }
  export abstract class WorkerEntrypoint<Env = unknown> {
    protected ctx: WaitUntil & { passThroughOnException(): void; props: unknown };
    protected env: Env;
    constructor(ctx: unknown, env: Env);
  }
  export interface DurableObjectStorage {
    get(key: string): Promise<unknown>;
    put(key: string, value: unknown): Promise<void>;
    delete(key: string): Promise<boolean>;
    setAlarm(scheduledTime: number | Date): Promise<void>;
    sql: { exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[]; one(): Record<string, unknown> } };
  }
  export abstract class DurableObject<Env = unknown> {
    protected ctx: WaitUntil & { storage: DurableObjectStorage };
    protected env: Env;
    constructor(ctx: unknown, env: Env);
  }
}
