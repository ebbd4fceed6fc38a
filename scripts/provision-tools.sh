#!/usr/bin/env bash
# Builds the chart-check tools from the Go module proxy into ${RTML_CACHE:-$HOME/.cache/rtml}/bin:
#   helm         helm.sh/helm/v4/cmd/helm          (Helm 4)
#   kubeconform  github.com/yannh/kubeconform/cmd/kubeconform
# Idempotent: a tool whose binary already reports the pinned version is skipped.
# Override versions with RTML_HELM_VERSION / RTML_KUBECONFORM_VERSION.
set -euo pipefail

CACHE="${RTML_CACHE:-$HOME/.cache/rtml}"
BIN="$CACHE/bin"
HELM_VERSION="${RTML_HELM_VERSION:-v4.3.1}"
KUBECONFORM_VERSION="${RTML_KUBECONFORM_VERSION:-v0.7.0}"

mkdir -p "$BIN"
if ! command -v go >/dev/null 2>&1; then
  echo "provision-tools: 'go' is not on PATH; install Go >= 1.24 first" >&2
  exit 1
fi

log() { printf 'provision-tools: %s\n' "$*"; }

# build NAME PACKAGE VERSION VERSION_CHECK_CMD...
build() {
  local name="$1" pkg="$2" version="$3"; shift 3
  local stamp="$BIN/.$name.version"
  if [[ -x "$BIN/$name" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    log "$name $version already built ($BIN/$name), skipping"
    return 0
  fi
  log "building $name $version from $pkg (this takes a few minutes on a cold Go cache)"
  local start=$SECONDS
  # Both tools take their version from ldflags (release builds set them the same way).
  local ldflags=""
  case "$name" in
    helm) ldflags="-X helm.sh/helm/v4/internal/version.version=$version" ;;
    kubeconform) ldflags="-X main.version=$version" ;;
  esac
  GOBIN="$BIN" GOFLAGS="${GOFLAGS:-} -buildvcs=false" CGO_ENABLED=0 \
    go install -ldflags "-s -w $ldflags" "$pkg@$version"
  echo "$version" > "$stamp"
  log "$name $version built in $((SECONDS - start))s"
  "$@" || true
}

total=$SECONDS
build helm "helm.sh/helm/v4/cmd/helm" "$HELM_VERSION" "$BIN/helm" version --short
build kubeconform "github.com/yannh/kubeconform/cmd/kubeconform" "$KUBECONFORM_VERSION" "$BIN/kubeconform" -v
log "tools ready in $BIN ($((SECONDS - total))s)"
