/**
 * gRPC settings from the configuration: the PEM files named by GRPC_TLS_* are read here (loadConfig
 * stays pure), once, at start-up; a missing file fails fast with FAILED_PRECONDITION.
 */
import { readFileSync } from "node:fs";
import type { RtmlConfig } from "../config.ts";
import { RtmlError } from "../errors.ts";
import type { GrpcClientTlsOptions } from "./client.ts";
import type { GrpcServeOptions } from "./serve.ts";
import type { GrpcTlsOptions } from "./server.ts";

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new RtmlError("FAILED_PRECONDITION", `${what} ${file}: ${(cause as Error).message}`, { cause });
  }
}

export function serverTlsFromConfig(config: Pick<RtmlConfig, "grpcTls">): GrpcTlsOptions | undefined {
  const t = config.grpcTls;
  if (!t) return undefined;
  return {
    cert: read(t.certFile, "GRPC_TLS_CERT"),
    key: read(t.keyFile, "GRPC_TLS_KEY"),
    ca: t.caFile ? read(t.caFile, "GRPC_TLS_CA") : undefined,
    requireClientCert: t.requireClientCert,
  };
}

/** The same files as a client's: GRPC_TLS_CA checks the server, the cert and key authenticate us (mTLS). */
export function clientTlsFromConfig(config: Pick<RtmlConfig, "grpcTls">): GrpcClientTlsOptions | undefined {
  const t = config.grpcTls;
  if (!t) return undefined;
  return { ca: t.caFile ? read(t.caFile, "GRPC_TLS_CA") : undefined, cert: read(t.certFile, "GRPC_TLS_CERT"), key: read(t.keyFile, "GRPC_TLS_KEY") };
}

export function grpcServeOptions(config: RtmlConfig, where: { host: string; port: number }): GrpcServeOptions {
  return { host: config.grpcHost ?? where.host, port: where.port, tls: serverTlsFromConfig(config), maxMessageBytes: config.grpcMaxMessageBytes };
}
