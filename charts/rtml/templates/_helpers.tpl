{{/*
Chart name, truncated to 63 characters.
*/}}
{{- define "rtml.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified release name: fullnameOverride, else "<release>" when it already contains the chart
name, else "<release>-<chart name>". Truncated to 63 characters (DNS label).
*/}}
{{- define "rtml.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
"<name>-<version>" for the helm.sh/chart label.
*/}}
{{- define "rtml.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of one service's resources: "<fullname>-<service>". Call with (dict "root" $ "name" $name).
*/}}
{{- define "rtml.serviceFullname" -}}
{{- printf "%s-%s" (include "rtml.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels of one service. Immutable on a Deployment, so only these three.
Call with (dict "root" $ "name" $name).
*/}}
{{- define "rtml.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rtml.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/*
Release-wide labels (no component). Call with the root context.
*/}}
{{- define "rtml.commonLabels" -}}
helm.sh/chart: {{ include "rtml.chart" . }}
app.kubernetes.io/name: {{ include "rtml.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: rtml
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Labels of one service's resources. Call with (dict "root" $ "name" $name).
*/}}
{{- define "rtml.labels" -}}
{{ include "rtml.commonLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/*
The effective values of one service: a deep copy of serviceDefaults with the service's own entry
merged over it (the service wins; lists are replaced, not appended).
Call with (dict "root" $ "name" $name) and parse with fromYaml.
*/}}
{{- define "rtml.serviceValues" -}}
{{- $own := index .root.Values.services .name | default dict }}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy $own)) }}
{{- end }}

{{/*
Names of the services in a stable order (the loop's order, not the map's alphabetical one).
*/}}
{{- define "rtml.serviceNames" -}}
ingest validate feature infer train drift-monitor
{{- end }}

{{/*
The image reference: registry/repository@digest, else registry/repository:tag (tag defaults to appVersion).
*/}}
{{- define "rtml.image" -}}
{{- $repo := .Values.image.repository }}
{{- if .Values.image.registry }}
{{- $repo = printf "%s/%s" .Values.image.registry .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
ServiceAccount name of one service. Call with (dict "root" $ "name" $name "svc" $svc).
*/}}
{{- define "rtml.serviceAccountName" -}}
{{- if .svc.serviceAccount.name }}
{{- .svc.serviceAccount.name }}
{{- else if .svc.serviceAccount.create }}
{{- include "rtml.serviceFullname" . }}
{{- else }}
{{- "default" }}
{{- end }}
{{- end }}

{{/*
Name of the Secret holding the Pulsar token (the chart's own or pulsar.existingSecret); empty when none.
*/}}
{{- define "rtml.pulsarSecretName" -}}
{{- if .Values.pulsar.existingSecret }}
{{- .Values.pulsar.existingSecret }}
{{- else if .Values.pulsar.token }}
{{- printf "%s-pulsar" (include "rtml.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Key of the token in the Pulsar Secret; empty when there is no token.
*/}}
{{- define "rtml.pulsarTokenKey" -}}
{{- if .Values.pulsar.existingSecret }}
{{- .Values.pulsar.existingSecretKeys.token }}
{{- else if .Values.pulsar.token }}
{{- "PULSAR_TOKEN" }}
{{- end }}
{{- end }}

{{/*
"true" when at least one enabled service uses KEDA.
*/}}
{{- define "rtml.anyKeda" -}}
{{- range $name := splitList " " (include "rtml.serviceNames" $) }}
{{- $svc := include "rtml.serviceValues" (dict "root" $ "name" $name) | fromYaml }}
{{- if and $svc.enabled (eq $svc.autoscaling.mode "keda") }}true{{ end }}
{{- end }}
{{- end }}

{{/*
Full Pulsar topic name. Call with (dict "root" $ "topic" "events.raw").
*/}}
{{- define "rtml.fullTopic" -}}
{{- printf "persistent://%s/%s/%s" .root.Values.pulsar.tenant .root.Values.pulsar.namespace .topic }}
{{- end }}

{{/*
Checks on the merged values of one service that values.schema.json cannot make (it sees the values
before serviceDefaults is merged in). Call with (dict "root" $ "name" $name "svc" $svc).
*/}}
{{- define "rtml.validateService" -}}
{{- $a := .svc.autoscaling }}
{{- if and (eq .name "ingest") (eq $a.mode "keda") }}
{{- fail "services.ingest.autoscaling.mode is keda: ingest consumes no topic (it is fed over gRPC), so it has no backlog; use hpa or none" }}
{{- end }}
{{- if and (eq $a.mode "hpa") (lt (int $a.minReplicas) 1) }}
{{- fail (printf "services.%s.autoscaling.minReplicas must be at least 1 with mode hpa" .name) }}
{{- end }}
{{- if and (ne $a.mode "none") (gt (int $a.minReplicas) (int $a.maxReplicas)) }}
{{- fail (printf "services.%s.autoscaling.minReplicas (%v) is above maxReplicas (%v)" .name $a.minReplicas $a.maxReplicas) }}
{{- end }}
{{- if and (eq $a.mode "keda") (not $a.topics) }}
{{- fail (printf "services.%s.autoscaling.mode is keda but services.%s.autoscaling.topics is empty: KEDA needs the input topics whose backlog to watch" .name .name) }}
{{- end }}
{{- end }}
