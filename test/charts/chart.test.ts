/**
 * Chart checks for charts/rtml: helm lint --strict, helm template (default and all-features values),
 * kubeconform -strict against the Kubernetes 1.33 schemas in test/schemas/, and behaviour
 * (HPA xor KEDA per service, probes, securityContext, overrides, labels, values.schema.json).
 *
 * helm and kubeconform are built by scripts/provision-tools.sh into ${RTML_CACHE:-~/.cache/rtml}/bin.
 * Without them the suite is skipped, unless CI is set, where it fails.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, it, after } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { MODEL_KINDS } from "../../services/shared/config.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHART = join(ROOT, "charts", "rtml");
const BIN = join(process.env.RTML_CACHE || join(homedir(), ".cache", "rtml"), "bin");
const HELM = join(BIN, "helm");
const KUBECONFORM = join(BIN, "kubeconform");
const KUBE_VERSION = "1.33.13";
const SERVICES = ["ingest", "validate", "feature", "infer", "train", "drift-monitor"] as const;
const RELEASE = "t";
const ALL_FEATURES = join(CHART, "ci", "all-features-values.yaml");

const missing = [HELM, KUBECONFORM].filter((b) => !existsSync(b));
if (missing.length > 0 && process.env.CI) {
  throw new Error(`chart tests: ${missing.join(", ")} missing in CI: run scripts/provision-tools.sh first`);
}
const skip = missing.length > 0 ? `run scripts/provision-tools.sh (missing ${missing.join(", ")})` : false;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML
type Manifest = Record<string, any>;
interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

const work = mkdtempSync(join(tmpdir(), "rtml-chart-test-"));
after(() => rmSync(work, { recursive: true, force: true }));

function run(bin: string, args: string[], input?: string): Run {
  const r = spawnSync(bin, args, { cwd: ROOT, encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HELM_CACHE_HOME: join(work, "helm-cache"), HELM_CONFIG_HOME: join(work, "helm-config"), HELM_DATA_HOME: join(work, "helm-data") } });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` with extra args; returns the raw result (for the failure cases). */
function template(...args: string[]): Run {
  return run(HELM, ["template", RELEASE, CHART, "--namespace", "rtml", "--kube-version", KUBE_VERSION, ...args]);
}

/** `helm template` that must succeed; returns the YAML text and the parsed manifests. */
function render(...args: string[]): { yaml: string; docs: Manifest[] } {
  const r = template(...args);
  assert.equal(r.status, 0, `helm template ${args.join(" ")} failed:\n${r.stderr}`);
  const docs = parseAllDocuments(r.stdout)
    .map((d) => d.toJSON() as Manifest | null)
    .filter((d): d is Manifest => d !== null && typeof d === "object");
  return { yaml: r.stdout, docs };
}

function kubeconform(yaml: string): Run {
  const file = join(work, `manifests-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return run(KUBECONFORM, [
    "-strict",
    "-summary",
    "-kubernetes-version", KUBE_VERSION,
    "-schema-location", join(ROOT, "test", "schemas"),
    "-schema-location", join(ROOT, "test", "schemas", "crds", "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
    file,
  ]);
}

const ofKind = (docs: Manifest[], kind: string): Manifest[] => docs.filter((d) => d.kind === kind);
const named = (docs: Manifest[], kind: string, name: string): Manifest | undefined =>
  docs.find((d) => d.kind === kind && d.metadata?.name === name);
const fullname = (service: string): string => `${RELEASE}-rtml-${service}`;
const component = (d: Manifest): string | undefined => d.metadata?.labels?.["app.kubernetes.io/component"];
const container = (deploy: Manifest): Manifest => deploy.spec.template.spec.containers[0];
const countKinds = (docs: Manifest[]): Record<string, number> =>
  docs.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d.kind]: (acc[d.kind] ?? 0) + 1 }), {});

/** Deployments targeted by an HPA and by a ScaledObject, to assert they never overlap. */
function autoscalerTargets(docs: Manifest[]): { hpa: string[]; keda: string[] } {
  return {
    hpa: ofKind(docs, "HorizontalPodAutoscaler").map((h) => h.spec.scaleTargetRef.name),
    keda: ofKind(docs, "ScaledObject").map((s) => s.spec.scaleTargetRef.name),
  };
}

function assertExclusive(docs: Manifest[]): void {
  const { hpa, keda } = autoscalerTargets(docs);
  const both = hpa.filter((n) => keda.includes(n));
  assert.deepEqual(both, [], `Deployments with both an HPA and a ScaledObject: ${both.join(", ")}`);
  for (const target of [...hpa, ...keda]) {
    assert.ok(named(docs, "Deployment", target), `autoscaler targets a Deployment that is not rendered: ${target}`);
  }
}

function assertSchemaRejects(pattern: RegExp, ...args: string[]): void {
  const r = template(...args);
  assert.notEqual(r.status, 0, `helm template ${args.join(" ")} was accepted; expected a values.schema.json error`);
  assert.match(r.stderr, pattern);
}

describe("charts/rtml", { skip }, () => {
  it("passes helm lint --strict with default values and every ci/*-values.yaml", () => {
    const r = run(HELM, ["lint", "--strict", CHART, "--kube-version", KUBE_VERSION]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const f of readdirSync(join(CHART, "ci")).filter((f) => f.endsWith("-values.yaml"))) {
      const rf = run(HELM, ["lint", "--strict", CHART, "--kube-version", KUBE_VERSION, "-f", join(CHART, "ci", f)]);
      assert.equal(rf.status, 0, `${f}:\n${rf.stdout}${rf.stderr}`);
    }
  });

  it("renders six services with defaults, kubeconform -strict valid against Kubernetes 1.33", () => {
    const { yaml, docs } = render();
    const r = kubeconform(yaml);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Invalid: 0, Errors: 0, Skipped: 0/);
    assert.deepEqual(countKinds(docs), {
      ConfigMap: 1, Deployment: 6, Service: 6, ServiceAccount: 6, NetworkPolicy: 6, Job: 1,
    });
    assert.deepEqual(ofKind(docs, "Deployment").map(component), [...SERVICES]);
  });

  it("renders the all-features values kubeconform -strict valid, with every optional kind", () => {
    const { yaml, docs } = render("-f", ALL_FEATURES);
    const r = kubeconform(yaml);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Invalid: 0, Errors: 0, Skipped: 0/);
    const kinds = countKinds(docs);
    for (const kind of ["HorizontalPodAutoscaler", "ScaledObject", "TriggerAuthentication", "PodDisruptionBudget", "ServiceMonitor", "Secret"]) {
      assert.ok(kinds[kind], `all-features renders no ${kind}`);
    }
    assert.equal(kinds.Deployment, 6);
    assertExclusive(docs);
  });

  it("validates every ci/*-values.yaml scenario with kubeconform", () => {
    for (const f of readdirSync(join(CHART, "ci")).filter((f) => f.endsWith("-values.yaml"))) {
      const { yaml, docs } = render("-f", join(CHART, "ci", f));
      const r = kubeconform(yaml);
      assert.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
      assertExclusive(docs);
    }
  });

  it("kubeconform with the committed schemas rejects an unknown field and a wrong type (the check can fail)", () => {
    const { yaml } = render();
    const bad = yaml
      .replace("imagePullPolicy: IfNotPresent", "imagePullPolicy: IfNotPresent\n          notAField: true")
      .replace(/replicas: 1\n/, "replicas: one\n");
    const r = kubeconform(bad);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /notAField/);
    assert.match(r.stdout + r.stderr, /replicas/);
  });

  it("--set services.infer.autoscaling.mode=keda renders a ScaledObject for infer and no HPA for it", () => {
    // Exactly the check: no --api-versions, no other values.
    const { yaml, docs } = render("--set", "services.infer.autoscaling.mode=keda");
    const so = named(docs, "ScaledObject", fullname("infer"));
    assert.ok(so, "no ScaledObject for infer");
    assert.equal(ofKind(docs, "ScaledObject").length, 1);
    assert.equal(ofKind(docs, "HorizontalPodAutoscaler").length, 0);
    assert.equal(so.spec.scaleTargetRef.name, fullname("infer"));
    assert.deepEqual(so.spec.triggers.map((t: Manifest) => [t.type, t.metadata.topic, t.metadata.subscription]), [
      ["pulsar", "persistent://rtml/default/features", "infer"],
    ]);
    for (const t of so.spec.triggers) {
      for (const v of Object.values(t.metadata)) assert.equal(typeof v, "string", "KEDA trigger metadata values must be strings");
    }
    assert.equal(so.spec.minReplicaCount, 1);
    assert.equal(so.spec.maxReplicaCount, 5);
    assert.equal(so.spec.triggers[0].metadata.msgBacklogThreshold, "100");
    assert.equal(named(docs, "Deployment", fullname("infer"))?.spec.replicas, undefined, "the autoscaler owns replicas");
    assert.equal(named(docs, "Deployment", fullname("validate"))?.spec.replicas, 1);
    assert.equal(kubeconform(yaml).status, 0);
  });

  it("renders an HPA xor a ScaledObject per service, for every mode, on the service's own subscription", () => {
    const consumers = SERVICES.filter((s) => s !== "ingest");
    const expectedTopics: Record<string, string[]> = {
      validate: ["events.raw"], feature: ["events.valid"], infer: ["features"], train: ["features", "labels"], "drift-monitor": ["predictions", "labels"],
    };
    for (const mode of ["none", "hpa", "keda"] as const) {
      const sets = consumers.flatMap((s) => ["--set", `services.${s}.autoscaling.mode=${mode}`]);
      const ingestMode = mode === "keda" ? "hpa" : mode;
      const { yaml, docs } = render(...sets, "--set", `services.ingest.autoscaling.mode=${ingestMode}`);
      assertExclusive(docs);
      const { hpa, keda } = autoscalerTargets(docs);
      for (const s of SERVICES) {
        const m = s === "ingest" ? ingestMode : mode;
        assert.equal(hpa.includes(fullname(s)), m === "hpa", `${s} in mode ${m}: HPA`);
        assert.equal(keda.includes(fullname(s)), m === "keda", `${s} in mode ${m}: ScaledObject`);
        assert.equal(named(docs, "Deployment", fullname(s))?.spec.replicas === undefined, m !== "none", `${s} in mode ${m}: replicas`);
      }
      if (mode === "keda") {
        for (const s of consumers) {
          const so = named(docs, "ScaledObject", fullname(s))!;
          assert.deepEqual(so.spec.triggers.map((t: Manifest) => t.metadata.topic), expectedTopics[s]!.map((t) => `persistent://rtml/default/${t}`));
          assert.ok(so.spec.triggers.every((t: Manifest) => t.metadata.subscription === s && t.metadata.adminURL === "http://pulsar-proxy.pulsar.svc.cluster.local:80"));
        }
      }
      if (mode === "hpa") {
        const h = named(docs, "HorizontalPodAutoscaler", fullname("infer"))!;
        assert.equal(h.apiVersion, "autoscaling/v2");
        assert.deepEqual(h.spec.metrics[0].resource, { name: "cpu", target: { type: "Utilization", averageUtilization: 75 } });
        assert.equal(ofKind(docs, "PodDisruptionBudget").length, 6, "autoscaled services get a PDB");
      }
      assert.equal(kubeconform(yaml).status, 0, `kubeconform, mode ${mode}`);
    }
  });

  it("gives every container native gRPC startup, liveness and readiness probes on the grpc port", () => {
    const { docs } = render();
    for (const d of ofKind(docs, "Deployment")) {
      const c = container(d);
      const grpcPort = c.ports.find((p: Manifest) => p.name === "grpc");
      assert.equal(grpcPort.containerPort, 50051);
      assert.equal(c.ports.find((p: Manifest) => p.name === "metrics").containerPort, 9464);
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        assert.ok(c[probe], `${d.metadata.name}: no ${probe}`);
        assert.deepEqual(Object.keys(c[probe]).filter((k) => ["grpc", "httpGet", "tcpSocket", "exec"].includes(k)), ["grpc"]);
        assert.equal(c[probe].grpc.port, 50051, `${d.metadata.name} ${probe} port`);
      }
      // liveness never follows readiness: a lost broker or a missing model must not restart the pod
      assert.equal(c.startupProbe.grpc.service, "liveness");
      assert.equal(c.livenessProbe.grpc.service, "liveness");
      assert.equal(c.readinessProbe.grpc.service, "readiness");
    }
    const probed = render("--set", "serviceDefaults.probes.readiness.service=", "--set", "services.train.probes.liveness.enabled=false").docs;
    assert.equal(container(named(probed, "Deployment", fullname("infer"))!).readinessProbe.grpc.service, undefined, "empty: the whole server");
    assert.equal(container(named(probed, "Deployment", fullname("train"))!).livenessProbe, undefined);
    assert.ok(container(named(probed, "Deployment", fullname("infer"))!).livenessProbe);
  });

  it("runs every pod non-root with a read-only root filesystem, no escalation and no capabilities", () => {
    const { docs } = render("-f", ALL_FEATURES);
    const pods = [...ofKind(docs, "Deployment"), ...ofKind(docs, "Job")].map((d) => d.spec.template.spec);
    assert.equal(pods.length, 7);
    for (const pod of pods) {
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.securityContext.runAsUser, 10001);
      assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
      assert.equal(pod.automountServiceAccountToken, false);
      for (const c of pod.containers) {
        assert.equal(c.securityContext.runAsNonRoot, true);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
        assert.ok(c.volumeMounts.some((m: Manifest) => m.mountPath === "/tmp"), "writable /tmp");
      }
    }
  });

  it("runs `node bin/rtml.js serve <service>` with the service's env and the shared ConfigMap", () => {
    const { docs } = render();
    const cm = ofKind(docs, "ConfigMap")[0]!;
    assert.equal(cm.data.RTML_TRANSPORT, "pulsar");
    assert.equal(cm.data.PULSAR_URL, "pulsar://pulsar-proxy.pulsar.svc.cluster.local:6650");
    assert.equal(cm.data.PULSAR_ADMIN_URL, "http://pulsar-proxy.pulsar.svc.cluster.local:80");
    assert.equal(cm.data.RTML_PULSAR_TENANT, "rtml");
    assert.equal(cm.data.OTEL_EXPORTER_OTLP_ENDPOINT, "http://jaeger.observability.svc.cluster.local:4317");
    for (const s of SERVICES) {
      const d = named(docs, "Deployment", fullname(s))!;
      const c = container(d);
      assert.deepEqual([...c.command, ...c.args], ["node", "bin/rtml.js", "serve", s]);
      const featureAddr = c.env.find((e: Manifest) => e.name === "RTML_FEATURE_ADDR")?.value;
      assert.equal(featureAddr, s === "infer" ? `${fullname("feature")}:50051` : undefined, `${s}: RTML_FEATURE_ADDR`);
      const env = Object.fromEntries(c.env.filter((e: Manifest) => "value" in e).map((e: Manifest) => [e.name, e.value]));
      assert.equal(env.OTEL_SERVICE_NAME, s);
      assert.equal(env.GRPC_PORT, "50051");
      assert.equal(env.METRICS_PORT, "9464");
      assert.deepEqual(c.envFrom, [{ configMapRef: { name: cm.metadata.name } }]);
      assert.equal(c.env.some((e: Manifest) => e.name === "PULSAR_TOKEN"), false, "no token configured, none mounted");
      assert.match(d.spec.template.metadata.annotations["checksum/config"], /^[0-9a-f]{64}$/);
    }
  });

  it("takes the Pulsar URL, admin URL and token from an existing Secret, or stores an inline token in its own", () => {
    const existing = render("-f", join(CHART, "ci", "existing-secret-values.yaml")).docs;
    assert.equal(ofKind(existing, "Secret").length, 0);
    const cm = ofKind(existing, "ConfigMap")[0]!;
    assert.equal(cm.data.PULSAR_URL, undefined);
    const env = container(named(existing, "Deployment", fullname("infer"))!).env as Manifest[];
    for (const [name, key] of [["PULSAR_URL", "PULSAR_URL"], ["PULSAR_ADMIN_URL", "PULSAR_ADMIN_URL"], ["PULSAR_TOKEN", "PULSAR_TOKEN"]]) {
      assert.deepEqual(env.find((e) => e.name === name)?.valueFrom, { secretKeyRef: { name: "rtml-pulsar", key } }, name);
    }
    const so = named(existing, "ScaledObject", fullname("infer"))!;
    assert.equal(so.spec.triggers[0].metadata.adminURLFromEnv, "PULSAR_ADMIN_URL");
    assert.equal(so.spec.triggers[0].metadata.authModes, "bearer");
    const ta = ofKind(existing, "TriggerAuthentication")[0]!;
    assert.deepEqual(ta.spec.secretTargetRef, [{ parameter: "bearerToken", name: "rtml-pulsar", key: "PULSAR_TOKEN" }]);
    assert.equal(so.spec.triggers[0].authenticationRef.name, ta.metadata.name);

    const inline = render("--set", "pulsar.token=abc").docs;
    const secret = ofKind(inline, "Secret")[0]!;
    assert.equal(Buffer.from(secret.data.PULSAR_TOKEN, "base64").toString(), "abc");
    const tokenEnv = (container(named(inline, "Deployment", fullname("train"))!).env as Manifest[]).find((e) => e.name === "PULSAR_TOKEN");
    assert.deepEqual(tokenEnv?.valueFrom, { secretKeyRef: { name: secret.metadata.name, key: "PULSAR_TOKEN" } });
    assert.equal(ofKind(inline, "TriggerAuthentication").length, 0, "no KEDA, no TriggerAuthentication");
  });

  it("lets a service's own values win over serviceDefaults, merged deeply", () => {
    const { docs } = render(
      "--set", "serviceDefaults.replicas=2",
      "--set", "services.infer.replicas=4",
      "--set", "services.infer.resources.limits.memory=2Gi",
      "--set", "services.train.enabled=false",
      "--set", "services.validate.autoscaling.mode=hpa",
      "--set", "services.validate.autoscaling.maxReplicas=9",
    );
    const replicas = (s: string): unknown => named(docs, "Deployment", fullname(s))?.spec.replicas;
    assert.equal(replicas("infer"), 4);
    assert.equal(replicas("feature"), 2);
    assert.equal(replicas("ingest"), 2);
    assert.equal(named(docs, "Deployment", fullname("train")), undefined, "disabled service renders nothing");
    assert.equal(docs.filter((d) => component(d) === "train").length, 0);
    const ingestArgs = container(named(render("--set", "services.ingest.extraArgs={--dataset,elec2}").docs, "Deployment", fullname("ingest"))!).args;
    assert.deepEqual(ingestArgs, ["serve", "ingest", "--dataset", "elec2"]);
    const infer = container(named(docs, "Deployment", fullname("infer"))!).resources;
    assert.deepEqual(infer, { limits: { memory: "2Gi" }, requests: { cpu: "100m", memory: "192Mi" } });
    assert.equal(container(named(docs, "Deployment", fullname("feature"))!).resources.limits.memory, "512Mi");
    const hpa = named(docs, "HorizontalPodAutoscaler", fullname("validate"))!;
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [1, 9]);
    assert.equal(ofKind(docs, "HorizontalPodAutoscaler").length, 1);
    // PDBs: every enabled service now has > 1 replica or an autoscaler
    assert.deepEqual(ofKind(docs, "PodDisruptionBudget").map(component).sort(), ["drift-monitor", "feature", "infer", "ingest", "validate"]);
    assert.equal(named(docs, "PodDisruptionBudget", fullname("infer"))?.spec.maxUnavailable, 1);
    assert.equal(ofKind(render().docs, "PodDisruptionBudget").length, 0, "no PDB for single fixed replicas (it would block drains)");
  });

  it("puts the standard labels on every resource and selects pods by immutable selector labels", () => {
    const { docs } = render("-f", ALL_FEATURES);
    for (const d of docs) {
      const l = d.metadata.labels ?? {};
      for (const key of ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of", "helm.sh/chart"]) {
        assert.ok(l[key], `${d.kind}/${d.metadata.name} lacks ${key}`);
      }
      assert.equal(l["app.kubernetes.io/managed-by"], "Helm");
      assert.equal(l["app.kubernetes.io/instance"], RELEASE);
      assert.match(l["helm.sh/chart"], /^rtml-\d+\.\d+\.\d+/);
    }
    for (const s of SERVICES) {
      const d = named(docs, "Deployment", fullname(s))!;
      const selector = d.spec.selector.matchLabels;
      assert.deepEqual(selector, { "app.kubernetes.io/name": "rtml", "app.kubernetes.io/instance": RELEASE, "app.kubernetes.io/component": s });
      for (const [k, v] of Object.entries(selector)) assert.equal(d.spec.template.metadata.labels[k], v);
      const svc = named(docs, "Service", fullname(s))!;
      assert.deepEqual(svc.spec.selector, selector);
      assert.deepEqual(svc.spec.ports.map((p: Manifest) => [p.name, p.port, p.appProtocol]), [["grpc", 50051, "grpc"], ["metrics", 9464, "http"]]);
      const spread = d.spec.template.spec.topologySpreadConstraints as Manifest[];
      assert.deepEqual(spread.map((t) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
      assert.ok(spread.every((t) => JSON.stringify(t.labelSelector.matchLabels) === JSON.stringify(selector)));
    }
  });

  it("isolates each service with a NetworkPolicy: gRPC from the release, metrics from monitoring, explicit egress", () => {
    const { docs } = render();
    const np = named(docs, "NetworkPolicy", fullname("infer"))!;
    assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual(np.spec.podSelector.matchLabels["app.kubernetes.io/component"], "infer");
    assert.deepEqual(np.spec.ingress[0].from, [{ podSelector: { matchLabels: { "app.kubernetes.io/instance": RELEASE, "app.kubernetes.io/part-of": "rtml" } } }]);
    assert.deepEqual(np.spec.ingress[1].from, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }]);
    const egressPorts = (np.spec.egress as Manifest[]).flatMap((e) => e.ports.map((p: Manifest) => p.port));
    for (const p of [53, 6650, 8080, 4317]) assert.ok(egressPorts.includes(p), `egress to ${p}`);
    const external = named(render("--set", "services.ingest.networkPolicy.allowExternal=true").docs, "NetworkPolicy", fullname("ingest"))!;
    assert.equal(external.spec.ingress[0].from, undefined, "allowExternal opens gRPC to every peer");
    assert.equal(ofKind(render("--set", "serviceDefaults.networkPolicy.enabled=false").docs, "NetworkPolicy").length, 0);
  });

  it("ships a helm test Job that checks grpc.health.v1 on every enabled service", () => {
    const { docs } = render("--set", "services.train.enabled=false");
    const jobs = ofKind(docs, "Job");
    assert.equal(jobs.length, 1);
    const job = jobs[0]!;
    assert.equal(job.metadata.annotations["helm.sh/hook"], "test");
    assert.match(job.metadata.annotations["helm.sh/hook-delete-policy"], /hook-succeeded/);
    const c = job.spec.template.spec.containers[0];
    const targets = c.env.find((e: Manifest) => e.name === "RTML_HEALTH_TARGETS").value.split(",");
    assert.deepEqual(targets, SERVICES.filter((s) => s !== "train").map((s) => `${s}=${fullname(s)}.rtml.svc:50051`));
    assert.match(c.args[0], /grpc\.health\.v1\.Health\/Check/);
    assert.equal(c.env.find((e: Manifest) => e.name === "RTML_HEALTH_SERVICE").value, "liveness");
    assert.equal(ofKind(render("--set", "tests.enabled=false").docs, "Job").length, 0);
  });

  it("prints NOTES naming all six services (helm install --dry-run=client)", () => {
    const r = run(HELM, ["install", RELEASE, CHART, "--namespace", "rtml", "--dry-run=client", "--set", "services.infer.autoscaling.mode=keda"]);
    assert.equal(r.status, 0, r.stderr);
    const notes = r.stdout.slice(r.stdout.indexOf("NOTES:"));
    for (const s of SERVICES) assert.match(notes, new RegExp(`${fullname(s)}\\.rtml\\.svc:50051`));
    assert.match(notes, /KEDA ScaledObjects were rendered/);
    assert.match(notes, /infer .*KEDA 1-5 on backlog of subscription "infer"/);
  });

  describe("values.schema.json", () => {
    it("accepts the defaults and a full per-service override (positive control)", () => {
      assert.equal(template("-f", ALL_FEATURES).status, 0);
      assert.equal(template("--set", "services.ingest.autoscaling.mode=hpa", "--set", "services.infer.autoscaling.mode=keda").status, 0);
    });
    it("rejects an unknown autoscaling.mode", () => assertSchemaRejects(/services\/infer\/autoscaling\/mode/, "--set", "services.infer.autoscaling.mode=foo"));
    it("rejects negative replicas", () => assertSchemaRejects(/services\/infer\/replicas/, "--set", "services.infer.replicas=-1"));
    it("rejects negative serviceDefaults.replicas", () => assertSchemaRejects(/serviceDefaults/, "--set", "serviceDefaults.replicas=-3"));
    it("rejects an unknown service name", () => assertSchemaRejects(/additional properties 'inference' not allowed/, "--set", "services.inference.replicas=1"));
    it("rejects keda for ingest, which consumes no topic", () => assertSchemaRejects(/services\/ingest\/autoscaling\/mode/, "--set", "services.ingest.autoscaling.mode=keda"));
    it("rejects serviceDefaults keda unless ingest says hpa or none", () => {
      assertSchemaRejects(/services\/ingest/, "--set", "serviceDefaults.autoscaling.mode=keda");
      const ok = render("--set", "serviceDefaults.autoscaling.mode=keda", "--set", "services.ingest.autoscaling.mode=none").docs;
      assert.equal(ofKind(ok, "ScaledObject").length, 5);
      assert.equal(ofKind(ok, "HorizontalPodAutoscaler").length, 0);
    });
    it("rejects an unknown key in a service", () => assertSchemaRejects(/additional properties 'replicaCount' not allowed/, "--set", "services.train.replicaCount=2"));
    it("rejects a CPU target above 100%", () => assertSchemaRejects(/targetCPUUtilization/, "--set", "services.feature.autoscaling.targetCPUUtilization=150"));
    it("allows exactly the model set-ups train can fit (RTML_MODEL), and rejects another", () => {
      const schema = JSON.parse(readFileSync(join(CHART, "values.schema.json"), "utf8"));
      assert.deepEqual(schema.properties.config.properties.model.enum, [...MODEL_KINDS]);
      for (const model of MODEL_KINDS) assert.equal(template("--set", `config.model=${model}`).status, 0, model);
      assertSchemaRejects(/config\/model/, "--set", "config.model=svm");
    });
    it("rejects a bad pullPolicy, transport and topic", () => {
      assertSchemaRejects(/pullPolicy/, "--set", "image.pullPolicy=Sometimes");
      assertSchemaRejects(/transport/, "--set", "transport=kafka");
      assertSchemaRejects(/topics/, "--set", "services.infer.autoscaling.topics={feature}");
    });
    it("fails on merged values the schema cannot see (hpa with minReplicas 0, min above max)", () => {
      const r1 = template("--set", "serviceDefaults.autoscaling.mode=hpa", "--set", "serviceDefaults.autoscaling.minReplicas=0");
      assert.notEqual(r1.status, 0);
      assert.match(r1.stderr, /minReplicas must be at least 1 with mode hpa/);
      const r2 = template("--set", "services.infer.autoscaling.mode=keda", "--set", "services.infer.autoscaling.minReplicas=7");
      assert.notEqual(r2.status, 0);
      assert.match(r2.stderr, /above maxReplicas/);
    });
  });
});

describe("k8s/ and the image", { skip }, () => {
  it("validates k8s/*.yaml manifests with kubeconform -strict", () => {
    const files = readdirSync(join(ROOT, "k8s")).filter((f) => f.endsWith(".yaml") && !f.endsWith("-values.yaml"));
    assert.ok(files.includes("namespace.yaml") && files.includes("jaeger.yaml"), `k8s/ has ${files.join(", ")}`);
    const yaml = files.map((f) => readFileSync(join(ROOT, "k8s", f), "utf8")).join("\n---\n");
    const r = kubeconform(yaml);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Invalid: 0, Errors: 0, Skipped: 0/);
  });

  it("renders the walkthrough's rtml values and every `--set` the walkthrough uses", () => {
    const docs = ["k8s/README.md", "docs/deployment.md"].map((f) => join(ROOT, f)).filter(existsSync).map((f) => readFileSync(f, "utf8")).join("\n");
    const code = [...docs.matchAll(/```(?:bash|sh)?\n([\s\S]*?)```/g)].map((m) => m[1]!).join("\n");
    const sets = [...code.matchAll(/--set\s+'?(services\.[^\s\\']+|serviceDefaults\.[^\s\\']+|pulsar\.[^\s\\']+|otel\.[^\s\\']+|image\.[^\s\\']+)/g)].map((m) => m[1]!);
    assert.ok(sets.includes("services.infer.autoscaling.mode=keda"), `the walkthrough's --set flags: ${sets.join(" ")}`);
    for (const s of sets) {
      const r = template("-f", join(ROOT, "k8s", "rtml-values.yaml"), "--set", s);
      assert.equal(r.status, 0, `--set ${s}: ${r.stderr}`);
    }
    const { yaml } = render("-f", join(ROOT, "k8s", "rtml-values.yaml"));
    assert.equal(kubeconform(yaml).status, 0);
  });
});

describe("the image", () => {
  it("builds one non-root production image whose command the chart runs", () => {
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:22-/m);
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2, "multi-stage");
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /^USER \$\{RTML_UID\}:\$\{RTML_UID\}$/m);
    assert.match(dockerfile, /^ARG RTML_UID=10001$/m);
    assert.match(dockerfile, /^WORKDIR \/app$/m);
    assert.match(dockerfile, /^ENTRYPOINT \["node", "bin\/rtml\.js"\]$/m);
    const ignore = readFileSync(join(ROOT, ".dockerignore"), "utf8");
    assert.match(ignore, /^\*\*\/\*\.test\.ts$/m);
    const values = readFileSync(join(CHART, "values.yaml"), "utf8");
    assert.match(values, /runAsUser: 10001/);
  });
});
