/**
 * Regenerates the offline JSON schemas under test/schemas/ that kubeconform validates the rendered
 * chart against (see test/schemas/README.md). Needs Go (for `go mod download`, which fetches the
 * modules from the Go module proxy into the module cache) and nothing else; no cluster, no network
 * beyond the module proxy.
 *
 *   npx tsx scripts/gen-k8s-schemas.ts            # writes test/schemas/
 *
 * Kubernetes kinds come from `api/openapi-spec/swagger.json` of the k8s.io/kubernetes module; the
 * KEDA and Prometheus-operator kinds come from the CRDs those modules ship. Output follows
 * kubeconform's layout and its "standalone-strict" flavour: every `$ref` inlined, and
 * `additionalProperties: false` on every object that lists its properties.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const KUBERNETES_VERSION = "1.33.13";
const KEDA_MODULE = "github.com/kedacore/keda/v2@v2.21.0";
const PROMETHEUS_OPERATOR_MODULE = "github.com/prometheus-operator/prometheus-operator@v0.85.0";

/** Kinds the chart and k8s/ render: swagger definition name → group/version/kind. */
const KUBERNETES_KINDS = [
  "io.k8s.api.apps.v1.Deployment",
  "io.k8s.api.core.v1.Service",
  "io.k8s.api.core.v1.ServiceAccount",
  "io.k8s.api.core.v1.ConfigMap",
  "io.k8s.api.core.v1.Secret",
  "io.k8s.api.core.v1.Namespace",
  "io.k8s.api.core.v1.Pod",
  "io.k8s.api.batch.v1.Job",
  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
  "io.k8s.api.policy.v1.PodDisruptionBudget",
  "io.k8s.api.networking.v1.NetworkPolicy",
];

/** CRD files inside the modules above, relative to each module's root. */
const CRDS: Array<{ module: string; file: string }> = [
  { module: KEDA_MODULE, file: "config/crd/bases/keda.sh_scaledobjects.yaml" },
  { module: KEDA_MODULE, file: "config/crd/bases/keda.sh_triggerauthentications.yaml" },
  { module: PROMETHEUS_OPERATOR_MODULE, file: "example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** `go mod download -json` each module; returns module@version → directory in the module cache. */
function downloadModules(modules: string[]): Map<string, string> {
  const work = mkdtempSync(join(tmpdir(), "rtml-schemas-"));
  try {
    const out = execFileSync("go", ["mod", "download", "-json", ...modules], {
      cwd: work,
      encoding: "utf8",
      env: { ...process.env, GOFLAGS: "-mod=mod", GO111MODULE: "on" },
      maxBuffer: 16 * 1024 * 1024,
    });
    const infos = JSON.parse(`[${out.trim().replace(/}\s*{/g, "},{")}]`) as Array<{ Path: string; Version: string; Dir?: string; Error?: string }>;
    const dirs = new Map<string, string>();
    for (const info of infos) {
      if (info.Error || !info.Dir) throw new Error(`go mod download ${info.Path}@${info.Version}: ${info.Error ?? "no Dir"}`);
      dirs.set(`${info.Path}@${info.Version}`, info.Dir);
    }
    return dirs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Inlines every `#/definitions/...` ref; int-or-string becomes string|integer. */
function expand(node: Json, definitions: JsonObject, stack: string[]): Json {
  if (Array.isArray(node)) return node.map((n) => expand(n, definitions, stack));
  if (!isObject(node)) return node;
  const ref = node.$ref;
  if (typeof ref === "string") {
    const name = ref.replace(/^#\/definitions\//, "");
    if (stack.includes(name)) return {}; // recursive type (none among the kinds above); accept anything there
    const target = definitions[name];
    if (!isObject(target)) throw new Error(`unresolved $ref ${ref}`);
    const { $ref: _ignored, ...siblings } = node;
    return expand({ ...target, ...siblings }, definitions, [...stack, name]);
  }
  if (node.format === "int-or-string" || node["x-kubernetes-int-or-string"] === true) {
    const { type: _t, format: _f, ...rest } = node;
    return { ...expandChildren(rest, definitions, stack), oneOf: [{ type: "string" }, { type: "integer" }] };
  }
  return expandChildren(node, definitions, stack);
}

function expandChildren(node: JsonObject, definitions: JsonObject, stack: string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) out[k] = expand(v, definitions, stack);
  return out;
}

/** The "strict" flavour: objects that list properties accept no others. */
function strict(node: Json): Json {
  if (Array.isArray(node)) return node.map(strict);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    // `properties` maps names to schemas: recurse into each schema, never treat the map as one.
    out[k] = k === "properties" && isObject(v) ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strict(s)])) : strict(v);
  }
  if (isObject(out.properties) && !("additionalProperties" in out) && out["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** kubeconform's file name: <kind>[-<first label of group>]-<version>.json, lower-case. */
function fileName(group: string, version: string, kind: string): string {
  const g = group === "" ? "" : `-${group.split(".")[0]}`;
  return `${kind}${g}-${version}.json`.toLowerCase();
}

function kubernetesSchemas(swaggerPath: string, outDir: string): string[] {
  const swagger = JSON.parse(readFileSync(swaggerPath, "utf8")) as { definitions: JsonObject };
  const written: string[] = [];
  for (const name of KUBERNETES_KINDS) {
    const def = swagger.definitions[name];
    if (!isObject(def)) throw new Error(`${name} not in ${swaggerPath}`);
    const gvks = def["x-kubernetes-group-version-kind"];
    const gvk = Array.isArray(gvks) && isObject(gvks[0]) ? gvks[0] : undefined;
    if (!gvk) throw new Error(`${name} has no x-kubernetes-group-version-kind`);
    const group = String(gvk.group), version = String(gvk.version), kind = String(gvk.kind);
    const schema = strict(expand(def, swagger.definitions, [name])) as JsonObject;
    const props = schema.properties as JsonObject;
    props.apiVersion = { ...(props.apiVersion as JsonObject), enum: [group === "" ? version : `${group}/${version}`] };
    props.kind = { ...(props.kind as JsonObject), enum: [kind] };
    const file = fileName(group, version, kind);
    writeFileSync(join(outDir, file), JSON.stringify({ $schema: "http://json-schema.org/schema#", ...schema }) + "\n");
    written.push(file);
  }
  return written;
}

function crdSchemas(path: string, outDir: string): string[] {
  const written: string[] = [];
  for (const doc of parseAllDocuments(readFileSync(path, "utf8"))) {
    const crd = doc.toJSON() as JsonObject;
    const spec = crd.spec as JsonObject;
    const group = String(spec.group);
    const kind = String((spec.names as JsonObject).kind);
    for (const v of spec.versions as JsonObject[]) {
      const schema = (v.schema as JsonObject).openAPIV3Schema as JsonObject;
      const out = strict(expand(schema, {}, [])) as JsonObject;
      const props = out.properties as JsonObject;
      props.apiVersion = { type: "string", enum: [`${group}/${String(v.name)}`] };
      props.kind = { type: "string", enum: [kind] };
      const file = fileName(group, String(v.name), kind);
      writeFileSync(join(outDir, file), JSON.stringify({ $schema: "http://json-schema.org/schema#", ...out }) + "\n");
      written.push(file);
    }
  }
  return written;
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const modules = [`k8s.io/kubernetes@v${KUBERNETES_VERSION}`, KEDA_MODULE, PROMETHEUS_OPERATOR_MODULE];
  console.log(`gen-k8s-schemas: go mod download ${modules.join(" ")}`);
  const dirs = downloadModules(modules);

  const k8sDir = join(root, "test", "schemas", `v${KUBERNETES_VERSION}-standalone-strict`);
  const crdDir = join(root, "test", "schemas", "crds");
  for (const d of [k8sDir, crdDir]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  const swagger = join(dirs.get(modules[0])!, "api", "openapi-spec", "swagger.json");
  for (const f of kubernetesSchemas(swagger, k8sDir)) console.log(`  ${join("test/schemas", `v${KUBERNETES_VERSION}-standalone-strict`, f)}`);
  for (const { module, file } of CRDS) {
    for (const f of crdSchemas(join(dirs.get(module)!, file), crdDir)) console.log(`  test/schemas/crds/${f}`);
  }
}

main();
