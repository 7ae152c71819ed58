/**
 * Loads @grpc/grpc-js and the Inventory service definition. grpc-js is required (not imported)
 * after tracing has started, so the OpenTelemetry gRPC instrumentation can patch it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Grpc from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';

export interface ReserveRequest {
  sku: string;
  quantity: number;
  scenario: string;
  amountCents: number;
}

export interface ReserveReply {
  orderId: string;
  reserved: boolean;
}

export interface InventoryClient extends Grpc.Client {
  reserve(request: ReserveRequest, callback: (error: Grpc.ServiceError | null, reply?: ReserveReply) => void): Grpc.ClientUnaryCall;
}

export function loadInventory() {
  const require = createRequire(import.meta.url);
  const grpc = require('@grpc/grpc-js') as typeof Grpc;
  const protoLoader = require('@grpc/proto-loader') as typeof ProtoLoader;
  const definition = protoLoader.loadSync(join(dirname(fileURLToPath(import.meta.url)), 'inventory.proto'), {
    keepCase: false,
    longs: Number,
    defaults: true,
  });
  const proto = grpc.loadPackageDefinition(definition) as unknown as {
    journeytrace: { demo: { Inventory: Grpc.ServiceClientConstructor } };
  };
  const Inventory = proto.journeytrace.demo.Inventory;
  return {
    grpc,
    service: Inventory.service,
    createClient: (address: string) => new Inventory(address, grpc.credentials.createInsecure()) as unknown as InventoryClient,
  };
}
