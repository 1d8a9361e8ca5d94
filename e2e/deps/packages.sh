#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need. Idempotent: when every
# package is already installed it prints one line and touches nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libcpprest-dev nlohmann-json3-dev prometheus-cpp-dev libyaml-cpp-dev
  libabsl-dev libgtest-dev libgmock-dev libssl-dev libcurl4-openssl-dev zlib1g-dev
  openssl curl ca-certificates
  python3
  prometheus
  # The libFuzzer targets (tests/fuzz/run_fuzzers.sh): clang and its sanitizer runtimes.
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} Debian packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# The prometheus package would start a system service; serin's tests start their own.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the packaged Prometheus (and its node exporter) as services where an init
# system runs; they are not ours to keep, and they would hold port 9090.
for svc in prometheus prometheus-node-exporter; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    $sudo systemctl disable --now "$svc" >/dev/null 2>&1 || true
  fi
done
echo "deps: Debian packages installed"
