import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { RtmlError } from "../errors.ts";
import { createLogger } from "../logger.ts";
import { createGrpcClient } from "./client.ts";
import { rpc, type GrpcServiceBinding } from "./handlers.ts";
import { GrpcServiceNames } from "./load-proto.ts";
import { createGrpcServer, type GrpcTlsOptions } from "./server.ts";
import { fromGrpcError, toGrpcStatus } from "./status.ts";

const logger = createLogger({ level: "silent" });

/** A ValidateService whose GetRejectStats waits `delayMs` (or until cancelled) and whose Validate fails as asked. */
function testBinding(delayMs = 0, onStart?: () => void): GrpcServiceBinding {
  return {
    name: GrpcServiceNames.validate,
    methods: {
      GetRejectStats: rpc.unary(async (_req: object, ctx) => {
        onStart?.();
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, delayMs);
          ctx.signal.addEventListener("abort", () => (clearTimeout(t), reject(ctx.signal.reason)), { once: true });
        });
        return { accepted: 7, rejected: 1, byCode: { WRONG_TYPE: 1 } };
      }),
      Validate: rpc.unary((ev: { eventId: string }) => {
        if (ev.eventId === "nf") throw new RtmlError("NOT_FOUND", "no such thing");
        if (ev.eventId === "boom") throw new Error("bug");
        return { valid: true, reasons: [] };
      }),
    },
  };
}

async function started(delayMs = 0, tls?: GrpcTlsOptions, onStart?: () => void) {
  const server = createGrpcServer({ logger, tls, maxMessageBytes: 64 * 1024 });
  server.addService(testBinding(delayMs, onStart));
  await server.start();
  return server;
}

describe("grpc status mapping", () => {
  it("maps RtmlError codes to gRPC codes and back, and anything else to INTERNAL", () => {
    assert.equal(toGrpcStatus(new RtmlError("INVALID_ARGUMENT", "x")).code, grpc.status.INVALID_ARGUMENT);
    assert.equal(toGrpcStatus(new Error("y")).code, grpc.status.INTERNAL);
    const back = fromGrpcError({ code: grpc.status.UNAVAILABLE, details: "down" });
    assert.equal(back.code, "UNAVAILABLE");
    assert.equal(back.message, "down");
  });
});

describe("createGrpcServer", () => {
  const servers: { shutdown(ms?: number): Promise<void> }[] = [];
  after(async () => {
    for (const s of servers) await s.shutdown(100);
  });

  it("serves health: NOT_SERVING until ready, then SERVING; liveness always", async () => {
    const server = await started();
    servers.push(server);
    const health = createGrpcClient(server.address, GrpcServiceNames.health);
    const check = (service: string) => health.unary<{ service: string }, { status: number }>("Check", { service });
    assert.equal((await check("")).status, 2);
    assert.equal((await check("liveness")).status, 1);
    server.setServing(true);
    assert.equal((await check("")).status, 1);
    assert.equal((await check(GrpcServiceNames.validate)).status, 1);
    await assert.rejects(check("nope"), (e: RtmlError) => e.code === "NOT_FOUND");
    health.close();
  });

  it("maps handler errors in one place", async () => {
    const server = await started();
    servers.push(server);
    const c = createGrpcClient(server.address, GrpcServiceNames.validate);
    await assert.rejects(c.unary("Validate", { eventId: "nf" }), (e: RtmlError) => e.code === "NOT_FOUND" && e.message === "no such thing");
    await assert.rejects(c.unary("Validate", { eventId: "boom" }), (e: RtmlError) => e.code === "INTERNAL");
    assert.deepEqual(await c.unary("GetRejectStats", {}), { accepted: 7, rejected: 1, byCode: { WRONG_TYPE: 1 } });
    c.close();
  });

  it("refuses undecodable and oversize requests with INVALID_ARGUMENT and the reason", async () => {
    const server = await started();
    servers.push(server);
    const raw = new grpc.Client(server.address, grpc.credentials.createInsecure());
    const send = (bytes: Buffer) =>
      new Promise<grpc.ServiceError | null>((resolve) =>
        raw.makeUnaryRequest(`/${GrpcServiceNames.validate}/Validate`, (b: Buffer) => b, (b: Buffer) => b, bytes, (err) => resolve(err)),
      );
    const bad = await send(Buffer.from([0x0a, 0xff, 0xff, 0xff]));
    assert.equal(bad?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(bad?.details ?? "", /not a valid/);
    const big = await send(Buffer.concat([Buffer.from([0x0a, 0x80, 0x80, 0x05]), Buffer.alloc(80 * 1024, 0x61)]));
    assert.equal(big?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(big?.details ?? "", /exceeds the limit of 65536 bytes/);
    raw.close();
  });

  it("honours deadlines: the handler sees its signal abort and the client gets DEADLINE_EXCEEDED", async () => {
    const server = await started(5_000);
    servers.push(server);
    const c = createGrpcClient(server.address, GrpcServiceNames.validate);
    const t0 = Date.now();
    await assert.rejects(c.unary("GetRejectStats", {}, { deadlineMs: 100 }), (e: RtmlError) => e.code === "DEADLINE_EXCEEDED");
    assert.ok(Date.now() - t0 < 2_000);
    c.close();
  });

  it("drains in-flight calls on shutdown, then refuses new ones", async () => {
    let handlerStarted!: () => void;
    const inHandler = new Promise<void>((r) => (handlerStarted = r));
    const server = await started(300, undefined, () => handlerStarted());
    const c = createGrpcClient(server.address, GrpcServiceNames.validate);
    const inFlight = c.unary<object, { accepted: number }>("GetRejectStats", {}, { deadlineMs: 20_000 });
    await inHandler;
    await server.shutdown(10_000);
    assert.equal((await inFlight).accepted, 7, "the in-flight call completed");
    await assert.rejects(c.unary("GetRejectStats", {}, { deadlineMs: 500 }));
    c.close();
  });

  it("ends health Watch streams on shutdown, so the drain is not held up", async () => {
    const server = await started();
    server.setServing(true);
    const health = createGrpcClient(server.address, GrpcServiceNames.health);
    const statuses: number[] = [];
    const watching = (async () => {
      for await (const s of health.serverStream<{ service: string }, { status: number }>("Watch", { service: "" })) statuses.push(s.status);
    })();
    const ended = watching.then(() => undefined, (e: unknown) => e as RtmlError);
    while (statuses.length === 0) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await server.shutdown(10_000);
    assert.ok(Date.now() - t0 < 2_000, `shutdown took ${Date.now() - t0} ms`);
    assert.equal((await ended)?.code, "UNAVAILABLE");
    assert.deepEqual(statuses, [1, 2], "SERVING, then NOT_SERVING when shutdown starts");
    health.close();
  });

  it("gives a handler its signal when it asks late, and detaches it once the call is done", async () => {
    let seen: AbortSignal | undefined;
    let ctxOf: { signal: AbortSignal } | undefined;
    const server = createGrpcServer({ logger });
    server.addService({
      name: GrpcServiceNames.validate,
      methods: {
        GetRejectStats: rpc.unary(async (_req: object, ctx) => {
          await new Promise((r) => setTimeout(r, 300)); // the deadline passes meanwhile
          seen = ctx.signal;
          return { accepted: 1, rejected: 0, byCode: {} };
        }),
        Validate: rpc.unary((_ev: object, ctx) => ((ctxOf = ctx), { valid: true, reasons: [] })),
      },
    });
    await server.start();
    servers.push(server);
    const c = createGrpcClient(server.address, GrpcServiceNames.validate);
    await assert.rejects(c.unary("GetRejectStats", {}, { deadlineMs: 100 }), (e: RtmlError) => e.code === "DEADLINE_EXCEEDED");
    while (!seen) await new Promise((r) => setTimeout(r, 20));
    assert.equal(seen.aborted, true);
    assert.equal((seen.reason as RtmlError).code, "CANCELLED");
    assert.equal((await c.unary<object, { valid: boolean }>("Validate", { eventId: "x" })).valid, true);
    await new Promise((r) => setTimeout(r, 50)); // the call's stream has closed
    assert.equal(ctxOf!.signal.aborted, false, "a finished call's signal never aborts");
    c.close();
  });

  it("serves mTLS: a client with a certificate from the CA is accepted, one without is refused", async (t) => {
    let dir: string;
    try {
      dir = mkdtempSync(join(tmpdir(), "rtml-tls-"));
      const ssl = (...a: string[]) => execFileSync("openssl", a, { cwd: dir, stdio: "ignore" });
      ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=rtml-test-ca");
      for (const name of ["server", "client"]) {
        ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name === "server" ? "localhost" : "client"}`);
        ssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`, "-days", "1",
          "-extfile", "/dev/stdin");
      }
    } catch {
      t.skip("openssl is not available to make test certificates");
      return;
    }
    const f = (n: string) => readFileSync(join(dir, n));
    const server = await started(0, { cert: f("server.pem"), key: f("server.key"), ca: f("ca.pem"), requireClientCert: true });
    servers.push(server);
    const addr = `localhost:${server.port}`;
    const ok = createGrpcClient(addr, GrpcServiceNames.validate, { tls: { ca: f("ca.pem"), cert: f("client.pem"), key: f("client.key") } });
    assert.equal((await ok.unary<object, { accepted: number }>("GetRejectStats", {})).accepted, 7);
    const anonymous = createGrpcClient(addr, GrpcServiceNames.validate, { tls: { ca: f("ca.pem") } });
    await assert.rejects(anonymous.unary("GetRejectStats", {}, { deadlineMs: 2_000 }));
    ok.close();
    anonymous.close();
  });
});
