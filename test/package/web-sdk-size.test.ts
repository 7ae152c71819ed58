/**
 * The web SDK's size targets, checked on every `npm test`: sizes, unlike timings, are the same on
 * every run for one lockfile, so a feature that pushes the SDK over fails here the day it lands
 * (`npm run bench -- bundle-size` gives the figures against Honeycomb and Faro too). Bundled from
 * web-sdk/dist, which `npm test` builds first, exactly as the bench bundles it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATA_DIR } from '@journeytrace/tooling/lib/paths.js';
import { gzipSize, SDK_CORE_ENTRY, SDK_ENTRY, STOCK_ENTRY } from '@journeytrace/tooling/bench/bundleSizes.js';

/** The zone-less npm entry with every feature, min+gzip. */
const NPM_ENTRY_MAX_BYTES = 25_000;

describe('web SDK size (min+gzip, ES2016)', () => {
  it('the npm entry with every feature is under 25 KB', async () => {
    const bytes = await gzipSize(SDK_ENTRY, DATA_DIR);
    assert.ok(bytes < NPM_ENTRY_MAX_BYTES, `journeytrace npm entry: ${bytes} B, target < ${NPM_ENTRY_MAX_BYTES} B`);
  });

  it('journeytrace/core (steps and fetch spans) is smaller than stock OpenTelemetry JS 3 web with fetch only', async () => {
    // OpenTelemetry JS 3 has no zone context manager, so the stock set is zone-less (sdk-trace's StackContextManager).
    const kit = await gzipSize(SDK_CORE_ENTRY, DATA_DIR);
    const stock = await gzipSize(STOCK_ENTRY, DATA_DIR);
    assert.ok(kit < stock, `journeytrace/core: ${kit} B, stock OpenTelemetry web: ${stock} B`);
  });
});
