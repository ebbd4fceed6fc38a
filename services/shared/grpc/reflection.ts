/**
 * What server reflection describes: the served protos loaded with their proto field names (snake_case,
 * so reflection clients see the .proto as written), with protobufjs' map-entry descriptors repaired.
 * protobufjs names the entry type of `map<…> parameters` "Parameters", where protobuf requires
 * "ParametersEntry"; strict clients (grpcurl ≥ 1.8.8, Go's protodesc) refuse such descriptors
 * ("invalid map: incorrect implicit map entry name", fullstorydev/grpcurl#519). The fix renames each
 * map entry type to protobuf's name and points its field at it with a fully qualified name.
 */
import { loadSync, type PackageDefinition } from "@grpc/proto-loader";
import descriptor from "protobufjs/ext/descriptor/index.js";
import { PROTO_FILES, PROTO_LOADER_OPTIONS } from "./load-proto.ts";

interface FieldDesc { name: string; label?: number; type?: number; typeName?: string }
interface MessageDesc { name: string; field?: FieldDesc[]; nestedType?: MessageDesc[]; options?: { mapEntry?: boolean } }
interface FileDesc { package?: string; messageType?: MessageDesc[] }

/** protobuf's map entry name: `foo_bar` → `FooBarEntry`. */
export function mapEntryName(field: string): string {
  return field.split("_").map((p) => (p ? p[0].toUpperCase() + p.slice(1) : "")).join("") + "Entry";
}

function fixMessage(m: MessageDesc, scope: string): void {
  const path = `${scope}.${m.name}`;
  for (const f of m.field ?? []) {
    if (f.label !== 3 || f.type !== 11 || !f.typeName) continue;
    const short = f.typeName.split(".").pop()!;
    const entry = (m.nestedType ?? []).find((n) => n.name === short && n.options?.mapEntry);
    if (!entry) continue;
    entry.name = mapEntryName(f.name);
    f.typeName = `${path}.${entry.name}`;
  }
  for (const n of m.nestedType ?? []) fixMessage(n, path);
}

/** A FileDescriptorProto with protobuf-conformant map entries. */
export function fixFileDescriptor(bytes: Uint8Array): Buffer {
  const type = descriptor.FileDescriptorProto;
  const file = type.decode(bytes) as unknown as FileDesc;
  for (const m of file.messageType ?? []) fixMessage(m, file.package ? `.${file.package}` : "");
  return Buffer.from(type.encode(file as unknown as Record<string, unknown>).finish());
}

let cached: PackageDefinition | undefined;

export function reflectionPackageDefinition(): PackageDefinition {
  if (cached) return cached;
  const def = loadSync([...PROTO_FILES], { ...PROTO_LOADER_OPTIONS, keepCase: true });
  const fixed = new Map<Buffer, Buffer>();
  for (const entry of Object.values(def)) {
    const e = entry as { fileDescriptorProtos?: Buffer[] };
    if (Array.isArray(e.fileDescriptorProtos)) {
      e.fileDescriptorProtos = e.fileDescriptorProtos.map((b) => fixed.get(b) ?? (fixed.set(b, fixFileDescriptor(b)), fixed.get(b)!));
    }
  }
  return (cached = def);
}
