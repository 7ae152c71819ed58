import type { FullConfig } from '@playwright/test';
import { startGlobalOtlpReceiver } from '@journeytrace/playwright/receiver';

// On the port the config gave the webServers; the teardown it returns stops it after the run.
export default (config: FullConfig) => startGlobalOtlpReceiver({ port: Number(config.metadata.receiverPort) });
