"""The local environment itself: what every later end-to-end test stands on."""
import json
import time

import pytest

import helpers
from helpers import apply, prom_scalar, replicaset, service, unique_namespace, virtual_service, wait_for

FAILURE_LABEL = "pod-container-running-failed.stage.kwok.x-k8s.io"


def ready_condition(pod):
    for c in pod.get("status", {}).get("conditions", []) or []:
        if c["type"] == "Ready":
            return c["status"]
    return None


def test_three_nodes_are_ready_and_schedulable(env):
    nodes = env.client().list("nodes")["items"]
    assert len(nodes) == 3
    for n in nodes:
        assert ready_condition_of_node(n) == "True", n["metadata"]["name"]
        assert not n["spec"].get("taints"), n["spec"].get("taints")


def ready_condition_of_node(node):
    return next(c["status"] for c in node["status"]["conditions"] if c["type"] == "Ready")


def test_replicaset_pods_become_ready_through_kwok(env):
    ns = unique_namespace(env, "rs")
    res = apply(env, ns, replicaset("web", 3, {"app": "web"}))
    assert res.returncode == 0, res.stderr
    start = time.monotonic()
    rs = wait_for(lambda: (lambda r: r if r.get("status", {}).get("readyReplicas") == 3 else None)(
        env.client().get("replicasets", ns, "web")), 30, what="3 ready replicas")
    assert rs["status"]["availableReplicas"] == 3
    pods = env.client().list("pods", ns)["items"]
    assert len(pods) == 3 and all(ready_condition(p) == "True" for p in pods)
    assert time.monotonic() - start < 30


def test_pod_labelled_for_failure_never_becomes_ready(env):
    ns = unique_namespace(env, "crash")
    labels = {"app": "crash", FAILURE_LABEL: "true"}
    assert apply(env, ns, replicaset("crash", 2, labels)).returncode == 0
    client = env.client()
    seen_failed = False
    deadline = time.monotonic() + 8
    observed = 0
    while time.monotonic() < deadline:
        for p in client.list("pods", ns)["items"]:
            observed += 1
            assert ready_condition(p) != "True", f"pod {p['metadata']['name']} became Ready"
            seen_failed |= p.get("status", {}).get("phase") == "Failed"
        time.sleep(0.05)
    assert observed > 0
    assert seen_failed, "the chaos stage never failed a pod"
    rs = client.get("replicasets", ns, "crash")
    assert not rs["status"].get("readyReplicas") and not rs["status"].get("availableReplicas")


def test_virtualservice_schema_accepts_valid_and_rejects_malformed(env):
    ns = unique_namespace(env, "vs")
    ok = apply(env, ns, virtual_service("shop", {"primary": [("shop-stable", 90), ("shop-canary", 10)]}))
    assert ok.returncode == 0, ok.stderr
    bad_weight = virtual_service("bad1", {"primary": [("a", 100)]})
    bad_weight["spec"]["http"][0]["route"][0]["weight"] = "ten"
    res = apply(env, ns, bad_weight)
    assert res.returncode != 0 and "weight" in res.stderr, res.stderr
    no_destination = virtual_service("bad2", {"primary": [("a", 100)]})
    del no_destination["spec"]["http"][0]["route"][0]["destination"]
    res = apply(env, ns, no_destination)
    assert res.returncode != 0 and "destination" in res.stderr, res.stderr


def make_app(env, ns, name, error_rate, replicas=2):
    labels = {"app": name}
    annotations = {"fixture.serin.io/error-rate": str(error_rate)}
    res = apply(env, ns, replicaset(name, replicas, labels, annotations), service(name, labels))
    assert res.returncode == 0, res.stderr
    wait_for(lambda: env.client().get("replicasets", ns, name)["status"].get("readyReplicas") == replicas,
             30, what=f"{name} ready")


def rate_query(ns, svc, window="2s"):
    return f'sum(rate(http_requests_total{{namespace="{ns}",service="{svc}"}}[{window}]))'


def test_weight_change_moves_request_rates_in_prometheus(env):
    ns = unique_namespace(env, "split")
    make_app(env, ns, "web-stable", 0)
    make_app(env, ns, "web-canary", 0)
    vs = virtual_service("web", {"primary": [("web-stable", 100), ("web-canary", 0)]},
                         {"fixture.serin.io/rps": "100"})
    assert apply(env, ns, vs).returncode == 0
    wait_for(lambda: abs((prom_scalar(env, rate_query(ns, "web-stable")) or 0) - 100) < 10, 20,
             what="stable at ~100 rps")
    assert prom_scalar(env, rate_query(ns, "web-canary")) is None  # never reached: no series

    changed = time.monotonic()
    vs["spec"]["http"][0]["route"][0]["weight"] = 50
    vs["spec"]["http"][0]["route"][1]["weight"] = 50
    assert apply(env, ns, vs).returncode == 0
    wait_for(lambda: abs((prom_scalar(env, rate_query(ns, "web-canary")) or 0) - 50) < 8
             and abs(prom_scalar(env, rate_query(ns, "web-stable")) - 50) < 8,
             10, what="50/50 split visible in Prometheus")
    seen_after = time.monotonic() - changed
    # One scrape (1 s) plus a 2 s rate window plus the fixture's tick: a few seconds at most.
    assert seen_after < 8, seen_after
    # The fixture itself reacts within a second of the change.
    state = json.load(__import__("urllib.request").request.urlopen(env.fixture_url + "/state"))
    assert state[f"{ns}/web-canary"]["rps"] == pytest.approx(50)


def test_seed_success_rate_query_reports_configured_rate(env):
    ns = unique_namespace(env, "rate")
    make_app(env, ns, "checkout", 0.05, replicas=3)
    vs = virtual_service("checkout", {"primary": [("checkout", 100)]}, {"fixture.serin.io/rps": "200"})
    assert apply(env, ns, vs).returncode == 0
    query = helpers.seed_success_rate_query("checkout")
    value = wait_for(lambda: prom_scalar(env, query), 20, what="success-rate series")
    time.sleep(3)
    value = prom_scalar(env, query)
    assert value == pytest.approx(0.95, abs=0.01)


def test_zero_traffic_gives_empty_vector_then_nan(env):
    """Recorded behaviour of the seed 004 query with no traffic:

    - a service that never received a request has no series: the query returns an EMPTY
      vector;
    - a service that had traffic which then stopped returns NaN (0/0) once the rate
      window has passed.
    Either way an analysis must never count it as a success.
    """
    ns = unique_namespace(env, "zero")
    make_app(env, ns, "idle-stable", 0)
    make_app(env, ns, "idle-canary", 0)
    vs = virtual_service("idle", {"primary": [("idle-stable", 100), ("idle-canary", 0)]},
                         {"fixture.serin.io/rps": "100"})
    assert apply(env, ns, vs).returncode == 0
    wait_for(lambda: prom_scalar(env, rate_query(ns, "idle-stable")), 20, what="stable traffic")
    data = helpers.prom_query(env, helpers.seed_success_rate_query("idle-canary"))
    assert data["resultType"] == "vector" and data["result"] == []

    # Send traffic to the canary, then stop it: after a short window the ratio is 0/0.
    vs["spec"]["http"][0]["route"][0]["weight"] = 0
    vs["spec"]["http"][0]["route"][1]["weight"] = 100
    assert apply(env, ns, vs).returncode == 0
    wait_for(lambda: prom_scalar(env, helpers.seed_success_rate_query("idle-canary", "3s")) == 1.0,
             15, what="canary success rate 1.0")
    vs["spec"]["http"][0]["route"][0]["weight"] = 100
    vs["spec"]["http"][0]["route"][1]["weight"] = 0
    assert apply(env, ns, vs).returncode == 0
    value = wait_for(lambda: (lambda v: ("nan", v) if helpers.is_nan(v) else None)(
        prom_scalar(env, helpers.seed_success_rate_query("idle-canary", "3s"))), 15,
        what="NaN after traffic stopped")
    assert value[0] == "nan"


def test_service_without_ready_pods_answers_503(env):
    ns = unique_namespace(env, "down")
    labels = {"app": "broken", FAILURE_LABEL: "true"}
    assert apply(env, ns, replicaset("broken", 1, labels), service("broken", {"app": "broken"})).returncode == 0
    vs = virtual_service("broken", {"primary": [("broken", 100)]}, {"fixture.serin.io/rps": "50"})
    assert apply(env, ns, vs).returncode == 0
    q = f'sum(rate(http_requests_total{{namespace="{ns}",service="broken",status="503"}}[2s]))'
    wait_for(lambda: (prom_scalar(env, q) or 0) > 30, 20, what="503s for a service with no Ready pods")
    ok = f'sum(rate(http_requests_total{{namespace="{ns}",service="broken",status="200"}}[2s]))'
    assert prom_scalar(env, ok) is None
