"""serin's Kubernetes client against the real API server: caches that never miss an event
(through API server restarts and 410 Gone), and leader election that fences an old leader.

The client is driven by tests/integration/kube_probe.cc (built as build/tests/operator/kube-probe).
"""
import json
import random
import signal
import subprocess
import threading
import time

import pytest

import kubeapi
from helpers import audit_entries, built, unique_namespace, wait_for


def probe():
    return built("tests", "operator", "kube-probe")


def configmap(name, value):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"v": value}}


class Mirror:
    """A running `kube-probe mirror` and the snapshot file it keeps."""

    def __init__(self, env, ns, tmp_path):
        self.out = str(tmp_path / "mirror.json")
        self.log = open(tmp_path / "mirror.log", "wb")
        self.proc = subprocess.Popen([probe(), "mirror", "--kubeconfig", env.kubeconfig,
                                      "--namespace", ns, "--out", self.out],
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def snapshot(self):
        try:
            with open(self.out, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def mirror(env, tmp_path):
    mirrors = []

    def start(ns):
        m = Mirror(env, ns, tmp_path)
        mirrors.append(m)
        return m

    yield start
    for m in mirrors:
        m.stop()


def truth(client, ns):
    items = client.list("configmaps", ns)["items"]
    return {i["metadata"]["name"]: i["metadata"]["resourceVersion"] for i in items}


def converged(m, client, ns):
    snap = m.snapshot()
    return snap is not None and snap["objects"] == truth(client, ns)


def retrying(fn, *args):
    """Calls fn, retrying while the API server is unreachable (restarting)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return fn(*args)
        except kubeapi.ApiError as e:
            if e.status in (404, 409):
                return None
            if e.status < 500 or time.monotonic() > deadline:
                raise
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


class Churn(threading.Thread):
    """churn() on a thread; join() re-raises what it raised."""

    def __init__(self, *args):
        super().__init__()
        self.args_ = args
        self.error = None

    def run(self):
        try:
            churn(*self.args_)
        except BaseException as e:  # noqa: BLE001
            self.error = e

    def join(self, timeout=None):
        super().join(timeout)
        if self.error:
            raise self.error


def churn(client, ns, count, seed):
    """Creates `count` ConfigMaps, updates about half and deletes about a third, interleaved."""
    rnd = random.Random(seed)
    live = []
    for i in range(count):
        name = f"cm-{seed}-{i}"
        retrying(client.create, "configmaps", ns, configmap(name, "0"))
        live.append(name)
        if rnd.random() < 0.5:
            target = rnd.choice(live)
            retrying(client.merge_patch, "configmaps", ns, target, {"data": {"v": str(i)}})
        if rnd.random() < 0.33 and live:
            victim = live.pop(rnd.randrange(len(live)))
            retrying(client.delete, "configmaps", ns, victim)


def test_cache_equals_a_fresh_list_after_500_objects_churn(env, mirror):
    ns = unique_namespace(env, "mirror")
    client = env.client()
    m = mirror(ns)
    wait_for(lambda: m.snapshot() is not None, 20, what="mirror synced")
    threads = [Churn(client, ns, 125, s) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wait_for(lambda: converged(m, client, ns), 30, what="cache equal to a fresh list")
    snap = m.snapshot()
    assert len(snap["objects"]) > 200
    assert snap["lists"] == 1  # all of it through one watch


def test_api_server_restart_mid_watch_misses_nothing(env, mirror):
    ns = unique_namespace(env, "restart")
    client = env.client()
    m = mirror(ns)
    wait_for(lambda: m.snapshot() is not None, 20, what="mirror synced")
    writer = Churn(client, ns, 150, 7)
    writer.start()
    time.sleep(1.0)
    env.restart_apiserver(down_seconds=1.0)
    writer.join()
    start = time.monotonic()
    wait_for(lambda: converged(m, client, ns), 60, what="cache converged after restart")
    print(f"converged {time.monotonic() - start:.1f}s after the writes ended; "
          f"lists={m.snapshot()['lists']}")


def test_forced_410_relists_and_converges(env, mirror):
    ns = unique_namespace(env, "gone")
    client = env.client()
    for i in range(30):
        client.create("configmaps", ns, configmap(f"before-{i}", "0"))
    m = mirror(ns)
    wait_for(lambda: converged(m, client, ns), 20, what="mirror synced")
    assert m.snapshot()["lists"] == 1
    # Freeze the watcher and cut its connection (an API server restart) before changing
    # things, so nothing of the changes can sit unread in its socket buffer. Then compact
    # etcd and restart the API server again, so its watch cache starts after the compaction:
    # the watcher's resource version is now too old and only a new list can catch up.
    m.proc.send_signal(signal.SIGSTOP)
    env.restart_apiserver()
    for i in range(0, 30, 2):
        client.delete("configmaps", ns, f"before-{i}")
    for i in range(10):
        client.create("configmaps", ns, configmap(f"after-{i}", "1"))
    env.etcd_compact()
    env.restart_apiserver()
    m.proc.send_signal(signal.SIGCONT)
    wait_for(lambda: converged(m, client, ns), 60, what="cache converged after 410")
    snap = m.snapshot()
    assert snap["lists"] >= 2, snap["lists"]  # the 410 forced a new list
    assert not any(name.startswith("before-") and int(name.split("-")[1]) % 2 == 0
                   for name in snap["objects"])  # deletions made while frozen were delivered


# ---- leader election ----------------------------------------------------------------------

class Candidate:
    def __init__(self, env, identity, lease_ns, write_ns, tmp_path):
        self.identity = identity
        self.lines = []
        self.log = open(tmp_path / f"elect-{identity}.log", "wb")
        self.proc = subprocess.Popen(
            [probe(), "elect", "--kubeconfig", env.kubeconfig, "--identity", identity,
             "--lease-namespace", lease_ns, "--write-namespace", write_ns],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line.strip()))

    def leads(self):
        return any(line == f"leader {self.identity}" for _, line in self.lines)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture
def candidates(env, tmp_path):
    started = []
    lease_ns = unique_namespace(env, "lease")
    write_ns = unique_namespace(env, "writes")

    def start(identity):
        c = Candidate(env, identity, lease_ns, write_ns, tmp_path)
        started.append(c)
        return c

    start.namespaces = (lease_ns, write_ns)
    yield start
    for c in started:
        c.stop()


def first_leader(a, b):
    return wait_for(lambda: a if a.leads() else (b if b.leads() else None), 30, what="a leader")


def test_killed_leader_is_replaced_within_the_lease_duration(candidates):
    a = candidates("a")
    b = candidates("b")
    leader = first_leader(a, b)
    other = b if leader is a else a
    time.sleep(1)
    assert not other.leads()
    killed = time.monotonic()
    leader.proc.kill()
    wait_for(other.leads, 15, what="takeover")
    took = next(t for t, line in other.lines if line == f"leader {other.identity}") - killed
    print(f"takeover {took:.2f}s after kill -9 (lease duration 4 s, retry 0.5 s)")
    assert took <= 4 + 1.5, took


def test_paused_leader_makes_zero_writes_after_losing_the_lease(env, candidates):
    a = candidates("a")
    leader = wait_for(lambda: a if a.leads() else None, 30, what="a leads")
    b = candidates("b")
    time.sleep(2)  # a writes as leader; b waits
    assert not b.leads()
    leader.proc.send_signal(signal.SIGSTOP)
    wait_for(b.leads, 20, what="b takes over from the paused a")
    time.sleep(1.5)  # b writes as leader
    leader.proc.send_signal(signal.SIGCONT)
    code = leader.proc.wait(10)
    assert code == 3, f"the old leader should exit on lost leadership, got {code}"
    time.sleep(0.5)

    writes = [e for e in audit_entries(env)
              if e.get("stage") == "ResponseComplete" and e.get("verb") in ("create", "update", "patch", "delete")
              and e.get("userAgent", "").startswith("serin-kube-probe/")
              and e.get("objectRef", {}).get("namespace") in candidates.namespaces]
    def ts(e):
        return e["requestReceivedTimestamp"]
    b_lease = sorted(ts(e) for e in writes if e["userAgent"] == "serin-kube-probe/b"
                     and e["objectRef"]["resource"] == "leases")
    assert b_lease, "b never wrote its lease"
    b_took_over = b_lease[0]
    a_writes = [e for e in writes if e["userAgent"] == "serin-kube-probe/a"]
    a_cm = [e for e in a_writes if e["objectRef"]["resource"] == "configmaps"]
    assert len(a_cm) >= 5, "a should have written while it led"
    late = [(ts(e), e["verb"], e["objectRef"]["resource"]) for e in a_writes if ts(e) >= b_took_over]
    print(f"a wrote {len(a_writes)} times, the last at {max(ts(e) for e in a_writes)}; "
          f"b took over at {b_took_over}")
    assert late == [], f"writes by the old leader after b took over: {late}"
