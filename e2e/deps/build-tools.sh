#!/usr/bin/env bash
# Builds the control-plane and test tools from their Go modules at the versions pinned in
# versions.env, into a cache keyed by tool and version outside the repository:
#   ${SERIN_CACHE:-~/.cache/serin}/bin/<tool>-<version>/...
# A tool whose cache entry is complete is not rebuilt, so a warm run takes seconds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache=${SERIN_CACHE:-$HOME/.cache/serin}
mkdir -p "$cache/bin" "$cache/work"

command -v go >/dev/null || { echo "build-tools: 'go' is not on PATH; install Go 1.26 or newer" >&2; exit 1; }

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
ldflags_base="-s -w"

log() { echo "build-tools: $*"; }

# done_marker DIR: the entry is complete only when its marker exists; a build that died
# half-way leaves no marker and is redone.
is_done() { [ -f "$1/.complete" ]; }
mark_done() { touch "$1/.complete"; }

# mod_dir MODULE@VERSION -> the module's extracted directory in the module cache.
mod_json() { (cd "$cache/work" && go mod download -json "$1"); }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

build_kubernetes() {
  local v=$KUBERNETES_VERSION out="$cache/bin/kubernetes-$KUBERNETES_VERSION"
  is_done "$out" && return 0
  log "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $v (about 5 minutes cold)"
  local w="$cache/work/kubernetes-$v"
  rm -rf "$w" && mkdir -p "$w" "$out"
  local gomod
  gomod=$(mod_json "k8s.io/kubernetes@$v" | json_field GoMod)
  # k8s.io/kubernetes points its staging modules at ./staging; a wrapper module must point
  # each of them at the published module of the matching v0.x version instead.
  local staging_v="v0.${v#v1.}"
  {
    echo "module serin.local/kubebuild"
    echo
    echo "go 1.24"
    echo
    echo "require k8s.io/kubernetes $v"
    echo
    grep -E '=>[[:space:]]*\./staging/' "$gomod" |
      awk -v sv="$staging_v" '{ print "replace " $1 " => " $1 " " sv }'
  } > "$w/go.mod"
  [ "$(grep -c '^replace' "$w/go.mod")" -gt 10 ] || { echo "build-tools: found no staging replace lines in $gomod" >&2; exit 1; }
  cat > "$w/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  local minor=${v#v1.}; minor=${minor%%.*}
  local ver_ldflags="-X k8s.io/component-base/version.gitVersion=$v -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  (cd "$w" && go mod tidy -e >/dev/null 2>"$w/tidy.log" || { cat "$w/tidy.log" >&2; exit 1; }
   go build -trimpath -ldflags "$ldflags_base $ver_ldflags" -o "$out/" \
     k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
     k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  mark_done "$out"
}

build_etcd() {
  local v=$ETCD_VERSION out="$cache/bin/etcd-$ETCD_VERSION"
  is_done "$out" && return 0
  log "building etcd $v"
  local w="$cache/work/etcd-$v"
  rm -rf "$w" && mkdir -p "$w" "$out"
  printf 'module serin.local/etcdbuild\n\ngo 1.24\n' > "$w/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > "$w/tools.go"
  (cd "$w" && go get "go.etcd.io/etcd/server/v3@$v" >/dev/null 2>&1 && go mod tidy >/dev/null 2>&1 &&
   go build -trimpath -ldflags "$ldflags_base" -o "$out/etcd" go.etcd.io/etcd/server/v3)
  mark_done "$out"
}

go_install() { # name module-path version
  local name=$1 pkg=$2 v=$3 out="$cache/bin/$1-$3"
  is_done "$out" && return 0
  log "building $name $v"
  mkdir -p "$out"
  GOBIN="$out" go install -trimpath -ldflags "$ldflags_base" "$pkg@$v"
  mark_done "$out"
}

fetch_istio_crds() {
  local v=$ISTIO_API_VERSION out="$cache/bin/istio-crds-$ISTIO_API_VERSION"
  is_done "$out" && return 0
  log "extracting VirtualService and DestinationRule CRDs from istio.io/api $v"
  mkdir -p "$out"
  local dir
  dir=$(mod_json "istio.io/api@$v" | json_field Dir)
  python3 "$here/split_crds.py" "$dir/kubernetes/customresourcedefinitions.gen.yaml" \
    virtualservices.networking.istio.io destinationrules.networking.istio.io > "$out/istio-crds.yaml"
  mark_done "$out"
}

fetch_kwok_stages() {
  local v=$KWOK_VERSION out="$cache/bin/kwok-stages-$KWOK_VERSION"
  is_done "$out" && return 0
  log "collecting KWOK stages from sigs.k8s.io/kwok $v"
  mkdir -p "$out"
  local dir
  dir=$(mod_json "sigs.k8s.io/kwok@$v" | json_field Dir)
  local s="$dir/kustomize/stage"
  local f first=1
  : > "$out/stages.yaml"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml \
           pod/chaos/pod-container-running-failed.yaml; do
    [ -f "$s/$f" ] || { echo "build-tools: KWOK stage file $s/$f is missing" >&2; exit 1; }
    [ $first -eq 1 ] || echo "---" >> "$out/stages.yaml"
    first=0
    cat "$s/$f" >> "$out/stages.yaml"
  done
  mark_done "$out"
}

start=$(date +%s)
fetch_istio_crds
fetch_kwok_stages
build_etcd
go_install kwok sigs.k8s.io/kwok/cmd/kwok "$KWOK_VERSION"
go_install helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
build_kubernetes
log "tools ready in $cache/bin ($(( $(date +%s) - start )) s)"
