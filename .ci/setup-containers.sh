#!/usr/bin/env bash
# Installs and starts the real container runtimes used by modelstack's runtime
# tests: podman (daemonless), docker (a private dockerd) and containerd with
# nerdctl (a private containerd, and a private buildkitd for nerdctl
# build). Everything is idempotent: a second run
# reuses what is already installed, built, imported and running.
#
# Must run as root. Nothing is pulled from any image registry: the test image
# is built locally from Debian's busybox-static.
#
# Output: one line per step; command output goes to $SETUP_LOG and is shown
# only on failure. The env file for the tests is written at the end:
#   ${MODELSTACK_CACHE_DIR:-$HOME/.cache/modelstack}/containers.env
# See test/local/RUNTIMES.md for details.
set -euo pipefail

CACHE_DIR="${MODELSTACK_CACHE_DIR:-${HOME:-/root}/.cache/modelstack}"
BIN_DIR="$CACHE_DIR/bin"
CONF_DIR="$CACHE_DIR/containers"
BUILD_DIR="$CACHE_DIR/build"
ENV_FILE="$CACHE_DIR/containers.env"
LOG_DIR=/var/log/modelstack
SETUP_LOG="$LOG_DIR/setup-containers.log"

NERDCTL_VERSION=v2.2.2
NERDCTL_MODULE=github.com/containerd/nerdctl/v2
BUILDKIT_VERSION=v0.34.2
BUILDKIT_MODULE=github.com/moby/buildkit
# A cold build of buildkitd and buildctl takes many minutes on a busy 2-core
# machine; past this many seconds the build is abandoned.
BUILDKIT_BUILD_TIMEOUT=2700

TEST_IMAGE=localhost/modelstack-busybox:test
# Bump when the test image's content changes: images without this label
# value are re-imported.
TEST_IMAGE_REV=1

DOCKER_SOCK=/run/modelstack-docker.sock
DOCKER_HOST_URI="unix://$DOCKER_SOCK"
DOCKER_DATA_ROOT=/var/lib/modelstack-docker
DOCKER_EXEC_ROOT=/run/modelstack-docker
DOCKER_PIDFILE=/run/modelstack-docker.pid
DOCKER_LOG="$LOG_DIR/dockerd.log"

CONTAINERD_RUN=/run/modelstack-containerd
CONTAINERD_SOCK="$CONTAINERD_RUN/containerd.sock"
CONTAINERD_ROOT=/var/lib/modelstack-containerd
CONTAINERD_PIDFILE="$CONTAINERD_RUN/containerd.pid"
CONTAINERD_LOG="$LOG_DIR/containerd.log"
CONTAINERD_NAMESPACE=default
NERDCTL_DATA_ROOT=/var/lib/modelstack-nerdctl

# buildkitd for `nerdctl build`: containerd worker on the private containerd,
# in nerdctl's namespace and snapshotter, so that FROM finds the test image
# there and the built image lands where nerdctl runs it.
BUILDKIT_RUN=/run/modelstack-buildkit
BUILDKIT_SOCK="$BUILDKIT_RUN/buildkitd.sock"
BUILDKIT_HOST_URI="unix://$BUILDKIT_SOCK"
BUILDKIT_ROOT=/var/lib/modelstack-buildkit
BUILDKIT_PIDFILE="$BUILDKIT_RUN/buildkitd.pid"
BUILDKIT_LOG="$LOG_DIR/buildkitd.log"

PACKAGES=(podman runc containernetworking-plugins netavark aardvark-dns
  docker.io containerd busybox-static iptables)

CHECK_NET=modelstack-setup-check
CHECK_SRV=modelstack-setup-srv

# The Go toolchain lives outside the default PATH on these machines.
export PATH="$PATH:/usr/local/go/bin"
# Never let a caller's environment redirect our clients elsewhere.
unset CONTAINER_HOST CONTAINER_CONNECTION DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH BUILDKIT_HOST

say() { printf '[setup-containers] %s\n' "$*"; }
die() {
  printf '[setup-containers] ERROR: %s\n' "$*" >&2
  if [[ -f "$SETUP_LOG" ]]; then
    printf '[setup-containers] last lines of %s:\n' "$SETUP_LOG" >&2
    tail -n 40 "$SETUP_LOG" >&2
  fi
  exit 1
}
# q CMD...: run quietly, output appended to the setup log; die on failure.
q() {
  printf '\n$ %s\n' "$*" >>"$SETUP_LOG"
  "$@" >>"$SETUP_LOG" 2>&1 || die "command failed ($?): $*"
}
# write_if_changed PATH: stdin becomes PATH's content, rewritten only when it differs.
write_if_changed() {
  local path=$1 tmp
  tmp=$(mktemp "$path.XXXXXX")
  cat >"$tmp"
  if [[ -f "$path" ]] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    return 1
  fi
  chmod 0644 "$tmp"
  mv -f "$tmp" "$path"
}
# running PID: true while PID exists and is not a zombie. Daemons are
# reparented to a pid 1 that may reap late, so a killed daemon can linger as
# a zombie for a while.
running() {
  [[ -d "/proc/$1" ]] && ! grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null
}
# pid_alive PIDFILE NAME: true when PIDFILE names a running process called NAME.
pid_alive() {
  local pidfile=$1 name=$2 pid
  [[ -s "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/comm" && "$(<"/proc/$pid/comm")" == "$name" ]] || return 1
  running "$pid"
}
# wait_for SECONDS CMD...: poll CMD (quietly) until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}
# http_get URL: fetch URL from the host with a few retries (the server may
# still be starting).
http_get() {
  local _
  for _ in $(seq 1 20); do
    if timeout 5 busybox wget -q -O - "$1" 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  return 1
}

[[ $(id -u) -eq 0 ]] || { echo "setup-containers.sh must run as root" >&2; exit 1; }
# One setup at a time (two would race to start the same daemons). The
# daemons are started with fd 9 closed so they do not inherit the lock.
exec 9>/run/modelstack-setup-containers.lock
flock -w 900 9 || { echo "setup-containers.sh: another run holds /run/modelstack-setup-containers.lock" >&2; exit 1; }
mkdir -p "$CACHE_DIR" "$BIN_DIR" "$CONF_DIR" "$BUILD_DIR" "$LOG_DIR"
: >"$SETUP_LOG"
start_time=$SECONDS

# ---------------------------------------------------------------- packages --
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  q apt-get update -q
  q env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  say "packages: installed ${missing[*]}"
else
  say "packages: all ${#PACKAGES[@]} already installed"
fi

# ------------------------------------------------------------ config files --
CONTAINERS_CONF_FILE="$CONF_DIR/containers.conf"
NERDCTL_TOML_FILE="$CONF_DIR/nerdctl.toml"
CONTAINERD_CONFIG="$CONF_DIR/containerd.toml"
BUILDKITD_CONFIG="$CONF_DIR/buildkitd.toml"
changed=()
# podman: runc instead of crun; no default ulimits (the sandbox lacks
# CAP_SYS_RESOURCE, so podman's default nofile raise fails); netavark +
# aardvark-dns so that names and aliases resolve on user networks; no systemd.
write_if_changed "$CONTAINERS_CONF_FILE" <<'EOF' && changed+=(containers.conf)
# Generated by modelstack .ci/setup-containers.sh; use with CONTAINERS_CONF.
[containers]
default_ulimits = []

[network]
network_backend = "netavark"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
write_if_changed "$CONTAINERD_CONFIG" <<EOF && changed+=(containerd.toml)
# Generated by modelstack .ci/setup-containers.sh.
version = 2
root = "$CONTAINERD_ROOT"
state = "$CONTAINERD_RUN/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$CONTAINERD_SOCK"

[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
EOF
write_if_changed "$NERDCTL_TOML_FILE" <<EOF && changed+=(nerdctl.toml)
# Generated by modelstack .ci/setup-containers.sh; use with NERDCTL_TOML.
address = "$CONTAINERD_SOCK"
namespace = "$CONTAINERD_NAMESPACE"
snapshotter = "overlayfs"
cgroup_manager = "cgroupfs"
cni_path = "/usr/lib/cni"
cni_netconfpath = "$NERDCTL_DATA_ROOT/cni/net.d"
data_root = "$NERDCTL_DATA_ROOT"
EOF
# buildkitd (keys: cmd/buildkitd/config/config.go, BuildKit v0.34.2): only the
# containerd worker. Its namespace defaults to "buildkit": name nerdctl's.
# Host network for RUN steps: no CNI setup for builds.
write_if_changed "$BUILDKITD_CONFIG" <<EOF && changed+=(buildkitd.toml)
# Generated by modelstack .ci/setup-containers.sh.
root = "$BUILDKIT_ROOT"

[grpc]
  address = ["$BUILDKIT_HOST_URI"]

[worker.oci]
  enabled = false

[worker.containerd]
  enabled = true
  address = "$CONTAINERD_SOCK"
  namespace = "$CONTAINERD_NAMESPACE"
  snapshotter = "overlayfs"
  networkMode = "host"
  gc = true
EOF
if ((${#changed[@]})); then
  say "config: wrote ${changed[*]} in $CONF_DIR"
else
  say "config: $CONF_DIR unchanged"
fi
export CONTAINERS_CONF="$CONTAINERS_CONF_FILE"
export NERDCTL_TOML="$NERDCTL_TOML_FILE"
export DOCKER_HOST="$DOCKER_HOST_URI"
export CONTAINERD_ADDRESS="$CONTAINERD_SOCK"
export CONTAINERD_NAMESPACE
export BUILDKIT_HOST="$BUILDKIT_HOST_URI"
NERDCTL="$BIN_DIR/nerdctl"
BUILDKITD="$BIN_DIR/buildkitd"
BUILDCTL="$BIN_DIR/buildctl"

# ----------------------------------------------------------------- nerdctl --
# `go install module/cmd/nerdctl@version` does not work for nerdctl v2.1.3+:
# its go.mod replaces a nested module (mod/tigron) by a local directory that
# module zips leave out, and one non-test file under cmd/nerdctl/helpers
# imports test helpers that need it. So: fetch the module with the Go module
# proxy, copy it to the build dir, drop that test-only file, build there.
want_version="nerdctl version ${NERDCTL_VERSION#v}"
if [[ -x "$NERDCTL" ]] && [[ "$("$NERDCTL" --version 2>/dev/null)" == "$want_version" ]]; then
  say "nerdctl: $NERDCTL_VERSION already built at $NERDCTL"
else
  command -v go >/dev/null || die "go is not installed (expected /usr/local/go/bin/go)"
  build_start=$SECONDS
  moddir=$(cd / && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$NERDCTL_MODULE@$NERDCTL_VERSION" 2>>"$SETUP_LOG" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p') || true
  [[ -n "$moddir" && -d "$moddir" ]] || die "could not download $NERDCTL_MODULE@$NERDCTL_VERSION"
  src="$BUILD_DIR/nerdctl-$NERDCTL_VERSION"
  rm -rf "$src"
  cp -a "$moddir" "$src"
  chmod -R u+w "$src"
  rm -f "$src/cmd/nerdctl/helpers/testing_linux.go"
  (
    cd "$src"
    q env CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -mod=readonly" \
      go build -trimpath \
      -ldflags "-s -w -X $NERDCTL_MODULE/pkg/version.Version=$NERDCTL_VERSION" \
      -o "$NERDCTL.new" ./cmd/nerdctl
  )
  # Replace by rename: running containers' log drivers exec this path.
  mv -f "$NERDCTL.new" "$NERDCTL"
  rm -rf "$src"
  [[ "$("$NERDCTL" --version)" == "$want_version" ]] || die "built nerdctl reports $("$NERDCTL" --version)"
  say "nerdctl: built $NERDCTL_VERSION in $((SECONDS - build_start))s at $NERDCTL"
fi

# ---------------------------------------------------------------- buildkit --
# nerdctl build runs buildctl against a buildkitd. Debian 12 has no BuildKit
# package. Like nerdctl, BuildKit is built from its module copied out of the
# module cache: `go install module@version` refuses a go.mod with exclude
# directives, and BuildKit v0.34.2's has some. Both binaries come from one
# `go build`, so that their common packages compile once.
buildkit_version() { # BINARY: prints the version word of `BINARY --version`
  local out
  out=$("$1" --version 2>/dev/null) || return 0
  # "buildkitd github.com/moby/buildkit v0.34.2 <revision>"
  read -r _ _ out _ <<<"$out"
  printf '%s' "$out"
}
if [[ -x "$BUILDKITD" && -x "$BUILDCTL" ]] &&
  [[ "$(buildkit_version "$BUILDKITD")" == "$BUILDKIT_VERSION" && "$(buildkit_version "$BUILDCTL")" == "$BUILDKIT_VERSION" ]]; then
  say "buildkit: $BUILDKIT_VERSION already built at $BUILDKITD and $BUILDCTL"
else
  command -v go >/dev/null || die "go is not installed (expected /usr/local/go/bin/go)"
  build_start=$SECONDS
  moddir=$(cd / && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$BUILDKIT_MODULE@$BUILDKIT_VERSION" 2>>"$SETUP_LOG" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p') || true
  [[ -n "$moddir" && -d "$moddir" ]] || die "could not download $BUILDKIT_MODULE@$BUILDKIT_VERSION"
  src="$BUILD_DIR/buildkit-$BUILDKIT_VERSION"
  out="$BUILD_DIR/buildkit-$BUILDKIT_VERSION-bin"
  rm -rf "$src" "$out"
  cp -a "$moddir" "$src"
  chmod -R u+w "$src"
  mkdir -p "$out"
  # Module zips carry no vendor/ directory: -mod=mod resolves the
  # dependencies from go.sum through the module cache.
  (
    cd "$src"
    q timeout "$BUILDKIT_BUILD_TIMEOUT" env CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -mod=mod" \
      go build -trimpath \
      -ldflags "-s -w -X $BUILDKIT_MODULE/version.Version=$BUILDKIT_VERSION" \
      -o "$out/" ./cmd/buildkitd ./cmd/buildctl
  )
  mv -f "$out/buildctl" "$BUILDCTL"
  mv -f "$out/buildkitd" "$BUILDKITD"
  rm -rf "$src" "$out"
  [[ "$(buildkit_version "$BUILDKITD")" == "$BUILDKIT_VERSION" ]] || die "built buildkitd reports '$("$BUILDKITD" --version)'"
  say "buildkit: built $BUILDKIT_VERSION in $((SECONDS - build_start))s at $BUILDKITD and $BUILDCTL"
fi

# ------------------------------------------------------------------ daemons --
# ensure_daemon NAME PIDFILE ADDRESS LOG SECONDS: reuse the daemon NAME when it
# answers on ADDRESS (NAME_ok); when one is starting (or shutting down), wait
# until it answers or exits; a live one that never answers is an error.
# Otherwise start_NAME starts it in the background (setting STARTED_PID) and
# it must answer within SECONDS, its pidfile naming a running NAME.
ok_or_gone() { "$1" || ! pid_alive "$2" "$3"; }
up_or_dead() { "$1" || ! running "$2"; }
ensure_daemon() {
  local name=$1 pidfile=$2 address=$3 log=$4 seconds=$5
  local ok="${name}_ok"
  if "$ok"; then
    say "$name: reusing the daemon on $address"
    return
  fi
  if pid_alive "$pidfile" "$name"; then
    wait_for 60 ok_or_gone "$ok" "$pidfile" "$name" || true
  fi
  if "$ok"; then
    say "$name: reusing pid $(<"$pidfile") on $address"
    return
  fi
  pid_alive "$pidfile" "$name" && die "$name (pid $(<"$pidfile")) does not answer on $address; see $log"
  printf '\n==== %s starting %s\n' "$(date -u +%FT%TZ)" "$name" >>"$log"
  STARTED_PID=
  "start_$name"
  wait_for "$seconds" up_or_dead "$ok" "$STARTED_PID" || die "$name did not answer on $address within ${seconds}s; see $log"
  "$ok" || die "$name exited during startup; see $log"
  pid_alive "$pidfile" "$name" || die "$name answers but pid $(<"$pidfile") is not $name"
  say "$name: started pid $(<"$pidfile") on $address (log $log)"
}

# A background job of a script is not a process-group leader, so setsid execs
# each daemon in place and $! is the daemon's own pid.

dockerd_ok() { [[ -S "$DOCKER_SOCK" ]] && timeout 5 docker -H "$DOCKER_HOST_URI" version >/dev/null 2>&1; }
start_dockerd() {
  rm -f "$DOCKER_PIDFILE" "$DOCKER_SOCK"
  mkdir -p "$DOCKER_DATA_ROOT" "$DOCKER_EXEC_ROOT"
  # dockerd runs its own containerd and trusts that one's pidfile: after a
  # crash or a machine restore it may name a dead or reused pid, and
  # dockerd then waits forever for a socket that never comes.
  pid_alive "$DOCKER_EXEC_ROOT/containerd/containerd.pid" containerd ||
    rm -f "$DOCKER_EXEC_ROOT/containerd/containerd.pid"
  # dockerd writes its own pidfile.
  setsid dockerd \
    --data-root "$DOCKER_DATA_ROOT" \
    --exec-root "$DOCKER_EXEC_ROOT" \
    --pidfile "$DOCKER_PIDFILE" \
    --host "$DOCKER_HOST_URI" \
    --storage-driver overlay2 \
    </dev/null >>"$DOCKER_LOG" 2>&1 9>&- &
  STARTED_PID=$!
}
ensure_daemon dockerd "$DOCKER_PIDFILE" "$DOCKER_HOST_URI" "$DOCKER_LOG" 90

# ctr keeps retrying for seconds when the socket is missing: check it first.
containerd_ok() { [[ -S "$CONTAINERD_SOCK" ]] && timeout 5 ctr --address "$CONTAINERD_SOCK" version >/dev/null 2>&1; }
start_containerd() {
  rm -f "$CONTAINERD_PIDFILE" "$CONTAINERD_SOCK" "$CONTAINERD_SOCK.ttrpc"
  mkdir -p "$CONTAINERD_RUN" "$CONTAINERD_ROOT" "$NERDCTL_DATA_ROOT"
  setsid containerd --config "$CONTAINERD_CONFIG" </dev/null >>"$CONTAINERD_LOG" 2>&1 9>&- &
  STARTED_PID=$!
  echo "$STARTED_PID" >"$CONTAINERD_PIDFILE"
}
ensure_daemon containerd "$CONTAINERD_PIDFILE" "$CONTAINERD_SOCK" "$CONTAINERD_LOG" 60

# After containerd: its containerd worker connects at startup. Ready when
# `buildctl debug workers` lists the worker.
buildkitd_ok() {
  [[ -S "$BUILDKIT_SOCK" ]] && timeout 10 "$BUILDCTL" --addr "$BUILDKIT_HOST_URI" debug workers 2>/dev/null | grep -q .
}
start_buildkitd() {
  rm -f "$BUILDKIT_PIDFILE" "$BUILDKIT_SOCK"
  mkdir -p "$BUILDKIT_RUN" "$BUILDKIT_ROOT"
  setsid "$BUILDKITD" --config "$BUILDKITD_CONFIG" </dev/null >>"$BUILDKIT_LOG" 2>&1 9>&- &
  STARTED_PID=$!
  echo "$STARTED_PID" >"$BUILDKIT_PIDFILE"
}
ensure_daemon buildkitd "$BUILDKIT_PIDFILE" "$BUILDKIT_HOST_URI" "$BUILDKIT_LOG" 60

# --------------------------------------------------------------- test image --
# A tiny image made from Debian's static busybox: every applet linked in /bin,
# and /www/index.html for `httpd -f -p 8080 -h /www`.
ROOTFS_TAR="$CACHE_DIR/images/modelstack-busybox-rev$TEST_IMAGE_REV.tar"
OCI_ARCHIVE="$CACHE_DIR/images/modelstack-busybox-rev$TEST_IMAGE_REV.docker-archive.tar"
IMAGE_CHANGES=(--change 'CMD ["/bin/sh"]' --change "LABEL modelstack.test-image.rev=$TEST_IMAGE_REV")
if [[ ! -s "$ROOTFS_TAR" ]]; then
  mkdir -p "$CACHE_DIR/images"
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs"/{bin,etc,www,tmp,root,proc,sys,dev}
  chmod 1777 "$rootfs/tmp"
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  for applet in $(busybox --list); do
    [[ -e "$rootfs/bin/$applet" ]] || ln -s busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  printf 'modelstack-busybox ok\n' >"$rootfs/www/index.html"
  tar -C "$rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$ROOTFS_TAR.tmp" .
  mv -f "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$rootfs"
fi
image_rev() { # RUNTIME-CLI...: prints the test image's rev label, or nothing
  "$@" image inspect --format '{{index .Config.Labels "modelstack.test-image.rev"}}' "$TEST_IMAGE" 2>/dev/null || true
}
imported=()
if [[ "$(image_rev podman)" != "$TEST_IMAGE_REV" ]]; then
  q podman import "${IMAGE_CHANGES[@]}" "$ROOTFS_TAR" "$TEST_IMAGE"
  imported+=(podman)
fi
if [[ "$(image_rev docker)" != "$TEST_IMAGE_REV" ]]; then
  q docker import "${IMAGE_CHANGES[@]}" "$ROOTFS_TAR" "$TEST_IMAGE"
  imported+=(docker)
fi
if [[ "$(image_rev "$NERDCTL")" != "$TEST_IMAGE_REV" ]]; then
  rm -f "$OCI_ARCHIVE"
  q podman save --format docker-archive -o "$OCI_ARCHIVE" "$TEST_IMAGE"
  q "$NERDCTL" load -i "$OCI_ARCHIVE"
  rm -f "$OCI_ARCHIVE"
  imported+=(nerdctl)
fi
if ((${#imported[@]})); then
  say "image: imported $TEST_IMAGE into ${imported[*]}"
else
  say "image: $TEST_IMAGE (rev $TEST_IMAGE_REV) present in podman, docker, nerdctl"
fi

# ------------------------------------------------------------ verification --
# For each runtime: `run --rm`, then a user network with a named server that
# publishes a random host port; the host fetches through the port and a
# second container fetches by name (and alias) through the network.
cleanup_checks() {
  local cli
  podman rm -f -t 0 "$CHECK_SRV" >/dev/null 2>&1 || true
  for cli in podman docker "$NERDCTL"; do
    [[ -x "$(command -v "$cli" 2>/dev/null)" ]] || continue
    "$cli" rm -f "$CHECK_SRV" >/dev/null 2>&1 || true
    "$cli" network rm "$CHECK_NET" >/dev/null 2>&1 || true
  done
}
trap cleanup_checks EXIT

check_runtime() { # NAME CLI: verify one runtime end to end
  local name=$1 cli=$2 t0=$SECONDS out port alias_flags peer_names rm_flags=(-f)
  # podman's `rm -f` first waits the stop timeout (10 s; httpd as pid 1
  # ignores SIGTERM); -t 0 kills at once like docker's and nerdctl's rm -f.
  [[ $name == podman ]] && rm_flags=(-f -t 0)
  if [[ $name == nerdctl ]]; then
    # nerdctl has no --network-alias; the hostname is what peers resolve.
    alias_flags=(--hostname srv-alias)
  else
    alias_flags=(--network-alias srv-alias)
  fi
  out=$("$cli" run --rm "$TEST_IMAGE" echo modelstack-run-ok 2>>"$SETUP_LOG") ||
    die "$name: run --rm failed"
  [[ "$out" == modelstack-run-ok ]] || die "$name: run --rm printed '$out'"
  "$cli" rm "${rm_flags[@]}" "$CHECK_SRV" >/dev/null 2>&1 || true
  "$cli" network rm "$CHECK_NET" >/dev/null 2>&1 || true
  q "$cli" network create "$CHECK_NET"
  q "$cli" run -d --name "$CHECK_SRV" --network "$CHECK_NET" "${alias_flags[@]}" \
    --label modelstack.setup-check=1 -e MODELSTACK_CHECK=1 \
    -p 127.0.0.1::8080 "$TEST_IMAGE" httpd -f -p 8080 -h /www
  port=$("$cli" port "$CHECK_SRV" 8080/tcp 2>>"$SETUP_LOG" | head -n1)
  port=${port##*:}
  [[ "$port" =~ ^[0-9]+$ ]] || die "$name: no published port for $CHECK_SRV"
  out=$(http_get "http://127.0.0.1:$port/index.html") || die "$name: host could not fetch from published port $port"
  [[ "$out" == "modelstack-busybox ok" ]] || die "$name: published port $port served '$out'"
  peer_names="$CHECK_SRV srv-alias"
  out=$("$cli" run --rm --network "$CHECK_NET" "$TEST_IMAGE" sh -c \
    "for h in $peer_names; do timeout 10 wget -q -O - http://\$h:8080/index.html || exit 1; done" 2>>"$SETUP_LOG") ||
    die "$name: a peer container could not reach $CHECK_SRV by name/alias on $CHECK_NET"
  [[ "$out" == $'modelstack-busybox ok\nmodelstack-busybox ok' ]] || die "$name: peer fetch printed '$out'"
  q "$cli" rm "${rm_flags[@]}" "$CHECK_SRV"
  q "$cli" network rm "$CHECK_NET"
  say "$name: run --rm, network, name+alias resolution, published port ok ($((SECONDS - t0))s)"
}
check_runtime podman podman
check_runtime docker docker
check_runtime nerdctl "$NERDCTL"
trap - EXIT

# ----------------------------------------------------------------- env file --
write_if_changed "$ENV_FILE" <<EOF || true
DOCKER_HOST=$DOCKER_HOST_URI
CONTAINERS_CONF=$CONTAINERS_CONF_FILE
CONTAINERD_ADDRESS=$CONTAINERD_SOCK
CONTAINERD_NAMESPACE=$CONTAINERD_NAMESPACE
NERDCTL_TOML=$NERDCTL_TOML_FILE
BUILDKIT_HOST=$BUILDKIT_HOST_URI
MODELSTACK_EXTRA_PATH=$BIN_DIR
MODELSTACK_TEST_IMAGE=$TEST_IMAGE
EOF
say "env: $ENV_FILE (setup took $((SECONDS - start_time))s):"
sed 's/^/  /' "$ENV_FILE"
