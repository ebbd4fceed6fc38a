import * as protoLoader from "@grpc/proto-loader";
const def = protoLoader.loadSync(["rtml/v1/services.proto"], { keepCase: false, longs: Number, defaults: true, oneofs: true, includeDirs: ["/work/main/proto"] });
const m = def["rtml.v1.PublishRequest"] as any;
const t = def["rtml.v1.IngestService"] as any;
const pub = t.Publish;
const bytes = pub.requestSerialize({ events: [{ entityId: "a", eventTimeMs: 5, fields: { x: { number: 1 }, y: { text: "t" } } }] });
console.log(JSON.stringify(pub.requestDeserialize(bytes)));
try { pub.requestDeserialize(Buffer.from([0xff, 0xff, 0xff])); } catch (e) { console.log("err", (e as Error).message); }
