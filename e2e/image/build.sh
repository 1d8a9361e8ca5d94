#!/usr/bin/env bash
# Builds the serin-controller image from the repository's Dockerfile with podman, on a machine
# with neither a Docker engine nor a reachable container registry, and smoke-tests it.
#
#   e2e/image/build.sh [--from-git REV] [--tag NAME:TAG] [--save FILE]
#
#   --from-git REV   build the committed tree of REV (git archive) instead of the working
#                    tree; what a release build should do
#   --tag NAME:TAG   image name (default serin-controller:<project version>; it is also
#                    tagged serin-controller:dev)
#   --save FILE      also write the image as an OCI archive (e.g. for `kind load image-archive`)
#
# Steps, each skipped when already done (so a re-run costs only what changed):
#   1. podman and debootstrap from apt, if missing;
#   2. the base images debian:bookworm and debian:bookworm-slim, made locally from Debian's
#      own packages with debootstrap (no registry needed) and cached in podman's store;
#   3. podman build --isolation=chroot --network host (no cgroups needed; apt-get inside the
#      build reaches the Debian mirror);
#   4. smoke test: `podman run` does not work in this sandbox, so the image is mounted and the
#      binary run in a chroot as the image's non-root user.
# Not part of `make test` (several minutes cold). Needs root (re-runs itself with sudo).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^project(serin VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
tag="serin-controller:${version}"
rev=""
save=""
while [ $# -gt 0 ]; do
  case "$1" in
    --from-git) rev=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --save) save=$(realpath -m "$2"); shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "image: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  exec sudo -E "$0" ${rev:+--from-git "$rev"} --tag "$tag" ${save:+--save "$save"}
fi

log() { echo "image: $*"; }
start=$SECONDS
cleanup_dirs=()
mounted=""
cleanup() {
  if [ -n "$mounted" ]; then podman image unmount "$mounted" >/dev/null 2>&1 || true; fi
  for d in "${cleanup_dirs[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT

# ---- 1. tools -------------------------------------------------------------------------
missing=()
for p in podman debootstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# ---- 2. base images -------------------------------------------------------------------
base=docker.io/library/debian:bookworm
slim=docker.io/library/debian:bookworm-slim
if podman image exists "$base" && podman image exists "$slim"; then
  log "base images $base and $slim cached"
else
  t=$SECONDS
  # The Debian mirror apt uses on this machine (deb822 or one-line format).
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  if [ -z "$mirror" ]; then
    mirror=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' \
      /etc/apt/sources.list 2>/dev/null || true)
  fi
  mirror=${mirror:-http://deb.debian.org/debian}
  rootfs=$(mktemp -d /var/tmp/serin-rootfs.XXXXXX)
  cleanup_dirs+=("$rootfs")
  log "debootstrap --variant=minbase bookworm from $mirror (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log" >&2; exit 1; }
  rm -f "$rootfs.log"
  # The same suites as the official image (updates and security too), from the same mirror
  # as this machine when it runs bookworm.
  if grep -qs bookworm /etc/apt/sources.list.d/debian.sources; then
    cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/debian.sources"
    rm -f "$rootfs/etc/apt/sources.list"
  fi
  # Like the official images: no downloaded packages, no package lists, no logs.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* \
    "$rootfs"/tmp/* "$rootfs"/debootstrap
  changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
           --change 'CMD ["bash"]')
  tar -C "$rootfs" --numeric-owner -c . | podman import -q "${changes[@]}" - "$base" >/dev/null
  # -slim: what Debian's slim variant drops (documentation, manuals, translations), and a
  # dpkg configuration so that packages installed later do not bring them back.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{info,man,groff,linda,lintian,locale}/*
  tar -C "$rootfs" --numeric-owner -c . | podman import -q "${changes[@]}" - "$slim" >/dev/null
  log "base images made in $((SECONDS - t)) s"
fi

# ---- 3. build -------------------------------------------------------------------------
context=$repo
if [ -n "$rev" ]; then
  context=$(mktemp -d /var/tmp/serin-context.XXXXXX)
  cleanup_dirs+=("$context")
  git -C "$repo" archive --format=tar "$rev" | tar -x -C "$context"
  log "context: git archive $rev ($(git -C "$repo" rev-parse --short "$rev"))"
else
  log "context: the working tree $repo (filtered by .dockerignore)"
fi
t=$SECONDS
podman build --isolation=chroot --network host --pull=never --layers \
  --build-arg "VERSION=$version" -t "$tag" -t serin-controller:dev \
  -f "$context/Dockerfile" "$context"
build_seconds=$((SECONDS - t))
log "podman build: ${build_seconds} s"

# ---- 4. smoke test --------------------------------------------------------------------
user=$(podman image inspect --format '{{.Config.User}}' "$tag")
[ "$user" = "65532:65532" ] || { log "image user is '$user', expected 65532:65532" >&2; exit 1; }
mounted=$tag
mnt=$(podman image mount "$tag")
out=$(chroot --userspec=65532:65532 "$mnt" /usr/local/bin/serin-controller --version)
[ "$out" = "serin-controller $version" ] || { log "smoke test printed '$out'" >&2; exit 1; }
log "smoke test (chroot as uid 65532): $out"
podman image unmount "$tag" >/dev/null
mounted=""

if [ -n "$save" ]; then
  rm -f "$save"
  podman save -q --format oci-archive -o "$save" "$tag"
  log "saved to $save"
fi
size=$(podman image inspect --format '{{.Size}}' "$tag")
log "$tag: $((size / 1000000)) MB; total $((SECONDS - start)) s"
