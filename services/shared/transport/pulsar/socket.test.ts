import assert from "node:assert/strict";
import { test } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { corkTurn } from "./socket.ts";

test("corkTurn holds a turn's frames on the socket and sends them together at the end of the turn", async () => {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((r) => server.once("listening", () => r()));
  const received: string[] = [];
  const chunks: number[] = [];
  server.on("connection", (peer) => {
    peer.on("message", (data) => received.push(String(data)));
    (peer as unknown as { _socket: import("node:net").Socket })._socket.on("data", (d: Buffer) => chunks.push(d.length));
  });
  const { port } = server.address() as import("node:net").AddressInfo;
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  await new Promise((r) => ws.once("open", r));
  await new Promise((r) => setTimeout(r, 50)); // the server's connection handler is attached
  const socket = (ws as unknown as { _socket: import("node:net").Socket })._socket;
  corkTurn(ws);
  corkTurn(ws); // once per turn: one uncork undoes it
  for (const f of ["a", "b", "c"]) ws.send(f);
  assert.equal(socket.writableCorked, 1, "held until the turn ends");
  await new Promise((r) => setImmediate(r));
  assert.equal(socket.writableCorked, 0);
  for (let i = 0; i < 100 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(received, ["a", "b", "c"]);
  assert.equal(chunks.length, 1, `the three frames arrived in one read: ${chunks.join(",")}`);
  ws.close();
  await new Promise<void>((r) => server.close(() => r()));
});
