#!/usr/bin/env bash
# Stops the private dockerd, buildkitd and containerd that
# .ci/setup-containers.sh started, found by their pidfiles. Running containers of those daemons are
# stopped first (1 s grace) so no shim keeps running; images, volumes,
# networks and the data directories are kept. Podman has no daemon and is
# left alone. Safe to run when nothing is running.
set -euo pipefail

CACHE_DIR="${MODELSTACK_CACHE_DIR:-${HOME:-/root}/.cache/modelstack}"
NERDCTL="$CACHE_DIR/bin/nerdctl"
export NERDCTL_TOML="$CACHE_DIR/containers/nerdctl.toml"

DOCKER_HOST_URI=unix:///run/modelstack-docker.sock
DOCKER_PIDFILE=/run/modelstack-docker.pid
CONTAINERD_SOCK=/run/modelstack-containerd/containerd.sock
CONTAINERD_PIDFILE=/run/modelstack-containerd/containerd.pid
BUILDKIT_PIDFILE=/run/modelstack-buildkit/buildkitd.pid

unset CONTAINERD_ADDRESS CONTAINERD_NAMESPACE DOCKER_CONTEXT

say() { printf '[stop-containers] %s\n' "$*"; }

[[ $(id -u) -eq 0 ]] || { echo "stop-containers.sh must run as root" >&2; exit 1; }

# gone PID: true when PID has exited (a zombie counts as exited: pid 1 here
# may reap late).
gone() {
  [[ ! -d "/proc/$1" ]] || grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null
}

# live_pid PIDFILE NAME: prints the pid when PIDFILE names a live process NAME.
live_pid() {
  local pid
  [[ -s "$1" ]] || return 1
  pid=$(<"$1")
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/comm" && "$(<"/proc/$pid/comm")" == "$2" ]] || return 1
  gone "$pid" && return 1
  echo "$pid"
}

# stop_daemon NAME PIDFILE: SIGTERM, wait up to 30 s, then SIGKILL.
stop_daemon() {
  local name=$1 pidfile=$2 pid
  if ! pid=$(live_pid "$pidfile" "$name"); then
    say "$name: not running (no live pid in $pidfile)"
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    gone "$pid" && break
    sleep 0.5
  done
  if ! gone "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    say "$name: pid $pid did not exit within 30s, killed"
  else
    say "$name: stopped pid $pid"
  fi
  rm -f "$pidfile"
}

# Docker: stop running containers quickly, then the daemon.
if live_pid "$DOCKER_PIDFILE" dockerd >/dev/null; then
  ids=$(timeout 20 docker -H "$DOCKER_HOST_URI" ps -q 2>/dev/null || true)
  if [[ -n "$ids" ]]; then
    # shellcheck disable=SC2086
    timeout 60 docker -H "$DOCKER_HOST_URI" stop -t 1 $ids >/dev/null 2>&1 || true
    say "docker: stopped $(wc -w <<<"$ids") running container(s)"
  fi
fi
stop_daemon dockerd "$DOCKER_PIDFILE"

# buildkitd before containerd: its worker holds containerd leases and
# snapshots while a build runs.
stop_daemon buildkitd "$BUILDKIT_PIDFILE"

# containerd: in every namespace, stop running containers with nerdctl (so
# its CNI teardown runs), then delete the remaining tasks: with containerd 1.6,
# `nerdctl stop` leaves a STOPPED task whose shim outlives containerd.
if live_pid "$CONTAINERD_PIDFILE" containerd >/dev/null; then
  ctr=(timeout 20 ctr --address "$CONTAINERD_SOCK")
  for ns in $("${ctr[@]}" namespaces ls -q 2>/dev/null || true); do
    if [[ -x "$NERDCTL" ]]; then
      ids=$(timeout 20 "$NERDCTL" --address "$CONTAINERD_SOCK" --namespace "$ns" ps -q 2>/dev/null || true)
      if [[ -n "$ids" ]]; then
        # shellcheck disable=SC2086
        timeout 60 "$NERDCTL" --address "$CONTAINERD_SOCK" --namespace "$ns" stop -t 1 $ids >/dev/null 2>&1 || true
        say "containerd: stopped $(wc -w <<<"$ids") running container(s) in namespace $ns"
      fi
    fi
    for task in $("${ctr[@]}" -n "$ns" tasks ls -q 2>/dev/null || true); do
      "${ctr[@]}" -n "$ns" tasks delete --force "$task" >/dev/null 2>&1 || true
    done
  done
fi
stop_daemon containerd "$CONTAINERD_PIDFILE"
