#!/usr/bin/env python3
"""Memory of serin's informer caches at 1,000 Rollouts, measured on a real API server.

    python3 bench/cache_memory.py --build build-bench

Starts a fresh local control plane (e2e/localenv.py) in a temporary directory, installs the
CRDs, creates in one namespace 1,000 Argo-shaped Rollouts (with a status as a controller
writes it), 2,000 ReplicaSets with replicas 0 (owned by those Rollouts, so no pods) and
1,000 Services, runs the C++ probe (bench/cache_memory.cc, built with -DSERIN_BENCH=ON),
and writes bench/results/cache-memory.md. The environment is stopped at the end, also on
error and on Ctrl-C. Python 3 standard library only.
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "e2e"))
import kubeapi  # noqa: E402
import localenv  # noqa: E402
from argo_shaped import GROUP, app_name, pod_hash, replica_set, rollout, rollout_status, service  # noqa: E402

NAMESPACE = "bench"
ROLLOUTS = (GROUP, "v1alpha1", "rollouts", True)
# The goals of the issue.
RATIO_GOAL = 1.5
RSS_GOAL_MB = 20.0

def log(msg):
    print(f"[cache_memory {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_parallel(what, fn, items, workers):
    """Calls fn(item) on a pool of threads; returns the results in order. Retries a request
    the server throttled or refused for a moment; any other error ends the run."""
    done = [0]
    lock = threading.Lock()
    started = time.monotonic()

    def call(item):
        for attempt in range(8):
            try:
                result = fn(item)
                break
            except kubeapi.ApiError as e:
                if e.status not in (409, 429, 500, 503, 504) or attempt == 7:
                    raise
                if e.status == 409:  # created by an earlier attempt whose answer was lost
                    result = None
                    break
            except OSError:
                if attempt == 7:
                    raise
            time.sleep(0.2 * (attempt + 1))
        with lock:
            done[0] += 1
        return result

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(call, items))
    log(f"{what}: {len(items)} in {time.monotonic() - started:.1f} s")
    return results


def start_env(env, attempts=3):
    """env.up(), again after a failure: its `kubectl wait` for the Istio CRDs sometimes fails
    right after the apply ("<nil> is of the type <nil>"), before the CRD has conditions."""
    for attempt in range(1, attempts + 1):
        log(f"starting the local environment in {env.dir}")
        try:
            env.up()
            return
        except localenv.EnvError as e:
            env.down()
            if attempt == attempts:
                raise
            log(f"start failed ({e}); trying again")


def install_crds(env):
    env.kubectl("apply", "--server-side", "-f", os.path.join(REPO, "crds"), timeout=120)
    jsonpath = '{.status.conditions[?(@.type=="Established")].status}'
    pending = ["rollouts", "analysisruns", "analysistemplates", "clusteranalysistemplates"]
    deadline = time.monotonic() + 60
    while pending:
        name = pending[0]
        res = env.kubectl("get", "crd", f"{name}.{GROUP}", "-o", f"jsonpath={jsonpath}",
                          check=False)
        if res.returncode == 0 and res.stdout.strip() == "True":
            pending.pop(0)
            continue
        if time.monotonic() > deadline:
            raise localenv.EnvError(f"CRDs not Established after 60 s: {pending}")
        time.sleep(0.2)
    # The API server serves a new CRD a moment after Established; wait until a list works.
    c = env.client()
    kubeapi.wait_for(lambda: c.list(ROLLOUTS) is not None, 30, what="rollouts served")


def populate(env, n_rollouts, rs_per_rollout, n_services, workers):
    c = env.client("serin-bench-populate")
    c.create("namespaces", None, {"apiVersion": "v1", "kind": "Namespace",
                                  "metadata": {"name": NAMESPACE}})
    indexes = list(range(n_rollouts))
    created = run_parallel("Rollouts created",
                           lambda i: c.create(ROLLOUTS, NAMESPACE, rollout(i)), indexes, workers)
    uids = {}
    for i, obj in zip(indexes, created):
        uids[i] = obj["metadata"]["uid"] if obj else \
            c.get(ROLLOUTS, NAMESPACE, app_name(i))["metadata"]["uid"]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    run_parallel("Rollout statuses written",
                 lambda i: c.merge_patch(ROLLOUTS, NAMESPACE, app_name(i),
                                         rollout_status(i, pod_hash(app_name(i), 2), now),
                                         subresource="status"),
                 indexes, workers)
    # Revision 1 (old, scaled down), revision 2 (stable), then revision 0, 3, ... if more.
    revisions = [1, 2] + [r for r in range(3, 3 + max(0, rs_per_rollout - 2))]
    rs_items = [(i, r) for i in indexes for r in revisions[:rs_per_rollout]]
    run_parallel("ReplicaSets created",
                 lambda it: c.create("replicasets", NAMESPACE,
                                     replica_set(it[0], it[1], uids[it[0]])),
                 rs_items, workers)
    svc_items = [(i, role) for i in range((n_services + 1) // 2) for role in ("stable", "canary")]
    svc_items = svc_items[:n_services]
    run_parallel("Services created",
                 lambda it: c.create("services", NAMESPACE, service(it[0], it[1])),
                 svc_items, workers)
    # Let the ReplicaSet controller write every status first, so nothing changes while the
    # probe measures.
    def settled():
        items = c.list("replicasets", NAMESPACE)["items"]
        return len(items) == len(rs_items) and all(
            rs.get("status", {}).get("observedGeneration") == rs["metadata"].get("generation")
            for rs in items)
    kubeapi.wait_for(settled, 300, interval=1.0, what="ReplicaSet statuses observed")
    log("ReplicaSet statuses observed")
    return {"rollouts": n_rollouts, "replicasets": len(rs_items), "services": len(svc_items)}


# ---- the report --------------------------------------------------------------------------------
def machine():
    mem_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "mem_gib": mem_kb / 1024 / 1024, "cpu": model,
            "kernel": platform.release(), "libc": "-".join(platform.libc_ver())}


def git_commit():
    res = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True, check=False)
    # What the probe is built from (other work in progress elsewhere does not change it).
    paths = ["bench/cache_memory.cc", "bench/CMakeLists.txt", "operator/kube", "common",
             "operator/rollout/rollout_object.h", "operator/rollout/rollout_object.cc",
             "operator/rollout/rollout_status.h", "operator/rollout/rollout_status.cc"]
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--", *paths],
                           capture_output=True, text=True, check=False).stdout.strip()
    return res.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def mb(kb):
    return kb / 1024


def write_report(path, runs, counts, command, probe_cmd, started_at, setup_seconds, before):
    """runs: [(label, env, result)], the first with glibc's defaults. Returns True when every
    goal is met."""
    m = machine()
    result = runs[0][2]
    kinds = result["kinds"]
    lines = [
        "# Memory of the informer caches",
        "",
        f"- Date: {started_at}",
        f"- Machine: {m['nproc']} CPUs ({m['cpu'] or 'unknown model'}), "
        f"{m['mem_gib']:.1f} GiB memory, Linux {m['kernel']}, {m['libc']}",
        f"- serin commit: {git_commit()}",
        f"- Command: `{command}` (from the repository root, after `cmake -S . -B build-bench -G "
        "Ninja -DSERIN_BENCH=ON && ninja -C build-bench cache_memory`)",
        f"- It ran, once per allocator setting below: `{probe_cmd}`",
        f"- Objects, all in namespace `{NAMESPACE}` of a fresh local API server (e2e/localenv.py): "
        f"{counts['rollouts']} Argo-shaped Rollouts with a status, {counts['replicasets']} "
        f"ReplicaSets (replicas 0, owned by the Rollouts), {counts['services']} Services; "
        f"created in {setup_seconds:.0f} s.",
        f"- List page size: {result['page_size']} (the reflector's default).",
        "",
        "## Bytes per cached object",
        "",
        f"Goal: a cached object costs at most {RATIO_GOAL}x its compact JSON text.",
        "",
        "| kind | count | compact JSON B/object | cached B/object | ratio | goal | result | "
        "cached B/object without the informer's fixed part | as sent (with managedFields) "
        "B/object | as a JSON tree B/object |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    all_pass = True
    for k in kinds:
        n = max(1, k["count"])
        json_b = k["json_bytes"] / n
        cached = k["heap_bytes"] / n
        net = (k["heap_bytes"] - k["fixed_bytes"]) / n
        ratio = cached / json_b if json_b else float("inf")
        ok = ratio <= RATIO_GOAL
        all_pass &= ok
        lines.append(
            f"| {k['kind']} | {k['count']} | {json_b:,.0f} | {cached:,.0f} | {ratio:.2f} | "
            f"≤ {RATIO_GOAL} | {'pass' if ok else 'FAIL'} | {net:,.0f} ({net / json_b:.2f}x) | "
            f"{k['json_bytes_raw'] / n:,.0f} | {k['tree_bytes'] / n:,.0f} "
            f"({k['tree_bytes'] / n / json_b:.1f}x) |")
    total_heap = sum(k["heap_bytes"] for k in kinds)
    total_json = sum(k["json_bytes"] for k in kinds)
    lines += [
        "",
        f"All three caches: {total_heap / 2**20:.2f} MB of heap for {total_json / 2**20:.2f} MB of "
        f"compact JSON ({total_heap / total_json:.2f}x); the informers' fixed parts (thread, "
        f"watch connection and buffers) are {sum(k['fixed_bytes'] for k in kinds) / 2**20:.2f} MB "
        "of that.",
        "",
        "## Resident memory",
        "",
        f"Goal: under {RSS_GOAL_MB:.0f} MB with the three caches full and their watches open "
        "(MB here are 2^20 bytes, as ps and /proc count them).",
        "",
        "| malloc | when | VmRSS MB | of which shared-library pages MB | of which anonymous MB | "
        "VmHWM MB | goal | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rss_ok = True
    for label, _, r in runs:
        for key, when in (("rss_before_caches", "client ready, no cache yet"),
                          ("rss_after_sync", "all three synced, watches open"),
                          ("rss_idle", f"after {r['idle_seconds']} s idle"),
                          ("rss_idle_trimmed", "then after malloc_trim(0)")):
            x = r[key]
            rss = mb(x["VmRSS_kb"])
            judged = key in ("rss_after_sync", "rss_idle")
            ok = rss < RSS_GOAL_MB
            if judged:
                rss_ok &= ok
            lines.append(
                f"| {label} | {when} | {rss:.1f} | {mb(x['RssFile_kb']):.1f} | "
                f"{mb(x['RssAnon_kb']):.1f} | {mb(x['VmHWM_kb']):.1f} | "
                f"{'< 20 MB' if judged else ''} | "
                f"{('pass' if ok else 'FAIL') if judged else ''} |")
    base = result["rss_before_caches"]
    synced = result["rss_after_sync"]
    lines += [
        "",
        f"Where the RSS goes ({runs[0][0]}, all synced): {mb(synced['RssFile_kb']):.1f} MB are "
        "pages of the shared libraries (cpprestsdk, OpenSSL's libcrypto, libstdc++, glibc, ...), "
        f"mapped before any cache exists; {mb(base['RssAnon_kb']):.1f} MB are the process's "
        "own before the first cache (REST client, TLS, threads); the caches' heap is "
        f"{total_heap / 2**20:.1f} MB; the rest "
        f"({mb(synced['RssAnon_kb'] - base['RssAnon_kb']) - total_heap / 2**20:.1f} MB) is "
        "freed memory the allocator keeps (mostly what list pages left in per-thread arenas) "
        "and the new threads' stacks. The three informers synced in "
        f"{result['sync_seconds']:.1f} s. For scale, Argo Rollouts v1.10.1 was measured "
        "on this machine at 186 MB RSS idle (248 MB peak) with 1,000 Rollouts.",
        "",
    ]
    if before:
        lines += before_section(before, result)
    lines += [
        "## Method",
        "",
        "- **cached B/object** = heap in use (glibc `mallinfo2()`: `uordblks + hblkhd`, every "
        "arena) after an informer has listed its kind and opened its watch, minus the same "
        "just before it was started, divided by the objects it holds. It counts what malloc "
        "really handed out: the projections, their strings, the `shared_ptr` blocks, the "
        "cache's map nodes and owner index, allocator headers and rounding, and the "
        "informer's own thread state, watch connection and buffers. Freed memory is not "
        "counted (chunks parked in a thread's tcache are, a few KB at most).",
        "- **without the informer's fixed part**: the same minus the heap of an informer of "
        "that kind on an empty namespace (thread, watch connection with its TLS state, "
        "buffers), which does not grow with the objects.",
        "- **compact JSON B/object**: `dump()` of each listed object after `stripNoise` (no "
        "`metadata.managedFields`, no last-applied annotation), i.e. the text the cache stands "
        "for. *As sent* is the same before stripping; *as a JSON tree* is the heap of the "
        "stripped objects kept as `nlohmann::json`, for scale.",
        "- **RSS**: `VmRSS` / `VmHWM` (and `RssFile` / `RssAnon`) from `/proc/self/status` of "
        "the probe, a process with the REST client (cpprestsdk, 4 pool threads) and the three "
        "informers; after the last sync, and again after idling with the watches open. "
        "VmHWM includes the peak of the lists. The comparison lists and trees are made after "
        "these figures are taken. The probe runs once with glibc's defaults and once with "
        "`MALLOC_ARENA_MAX=2` in its environment, which caps the per-thread arenas that "
        "otherwise each keep what list pages left behind.",
        "- One run; the API server, etcd and the rest of the control plane run beside it on "
        "the same 2 cores.",
        "",
    ]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return all_pass and rss_ok


def before_section(before, result):
    lines = [
        "## Before this work",
        "",
        f"{before['label']}. Same probe and objects, same machine, glibc defaults.",
        "",
        "| kind | cached B/object before | ratio before | cached B/object now | ratio now |",
        "|---|---|---|---|---|",
    ]
    now = {k["kind"]: k for k in result["kinds"]}
    for k in before["result"]["kinds"]:
        n = now.get(k["kind"])
        if not n:
            continue
        lines.append(
            f"| {k['kind']} | {k['heap_bytes'] / k['count']:,.0f} | "
            f"{k['heap_bytes'] / k['json_bytes']:.2f} | {n['heap_bytes'] / n['count']:,.0f} | "
            f"{n['heap_bytes'] / n['json_bytes']:.2f} |")
    b, a = before["result"], result
    lines += [
        "",
        f"VmRSS all synced: {mb(b['rss_after_sync']['VmRSS_kb']):.1f} MB before, "
        f"{mb(a['rss_after_sync']['VmRSS_kb']):.1f} MB now; VmHWM "
        f"{mb(b['rss_after_sync']['VmHWM_kb']):.1f} MB before, "
        f"{mb(a['rss_after_sync']['VmHWM_kb']):.1f} MB now. What changed, and what each step "
        "gave, is in bench/README.md.",
        "",
    ]
    return lines


def run_probe(probe_argv, extra_env):
    env = dict(os.environ)
    env.pop("MALLOC_ARENA_MAX", None)
    env.update(extra_env)
    proc = subprocess.Popen(probe_argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, preexec_fn=localenv._die_with_parent)
    try:
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise localenv.EnvError(f"cache_memory exited {proc.returncode}: {err.strip()[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True,
                    help="CMake build dir configured with -DSERIN_BENCH=ON")
    ap.add_argument("--rollouts", type=int, default=1000)
    ap.add_argument("--replicasets-per-rollout", type=int, default=2)
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--idle-seconds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=16, help="concurrent POSTs while populating")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "cache-memory.md"))
    ap.add_argument("--before", default=os.path.join(HERE, "results", "cache-memory-before.json"),
                    help="figures from before the caches were slimmed, shown beside the new ones")
    args = ap.parse_args(argv)

    probe = os.path.abspath(os.path.join(args.build, "bench", "cache_memory"))
    if not os.access(probe, os.X_OK):
        print(f"cache_memory.py: {probe} not found; build it: cmake -S . -B {args.build} -G Ninja "
              f"-DSERIN_BENCH=ON && ninja -C {args.build} cache_memory", file=sys.stderr)
        return 2
    command = " ".join(shlex.quote(a) for a in ["python3", "bench/cache_memory.py", *argv])
    started_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    state_dir = tempfile.mkdtemp(prefix="serin-bench-")
    env = localenv.LocalEnv(os.path.join(state_dir, "env"), tied_to_parent=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        start_env(env)
        log(f"environment up in {env.state['up_seconds']} s")
        install_crds(env)
        t0 = time.monotonic()
        counts = populate(env, args.rollouts, args.replicasets_per_rollout, args.services,
                          args.workers)
        setup_seconds = time.monotonic() - t0
        probe_args = ["--namespace", NAMESPACE, "--group", GROUP, "--idle-seconds",
                      str(args.idle_seconds)]
        runs = []
        for label, extra in (("glibc defaults", {}),
                             ("MALLOC_ARENA_MAX=2", {"MALLOC_ARENA_MAX": "2"})):
            log(f"running the probe ({label})")
            runs.append((label, extra, run_probe(
                [probe, "--kubeconfig", env.kubeconfig, *probe_args], extra)))
        probe_cmd = " ".join([os.path.relpath(probe, REPO), "--kubeconfig", "<env>/kubeconfig",
                              *probe_args])
        before = None
        if os.path.exists(args.before):
            with open(args.before, encoding="utf-8") as f:
                before = json.load(f)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as f:
            json.dump({"command": command, "date": started_at, "counts": counts,
                       "runs": [{"malloc": label, "env": extra, "result": r}
                                for label, extra, r in runs]}, f, indent=1)
        passed = write_report(args.out, runs, counts, command, probe_cmd, started_at,
                              setup_seconds, before)
        with open(args.out, encoding="utf-8") as f:
            print(f.read())
        log(f"wrote {args.out}")
        return 0 if passed else 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except (localenv.EnvError, kubeapi.ApiError, TimeoutError, subprocess.TimeoutExpired) as e:
        log(f"failed: {e}")
        return 1
    finally:
        log("stopping the local environment")
        env.down()
        shutil.rmtree(state_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
