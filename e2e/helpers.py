"""Helpers shared by the e2e tests: namespaces, manifests, Prometheus queries, timelines."""
import json
import math
import time
import urllib.parse
import urllib.request
import uuid

import kubeapi
from kubeapi import wait_for  # noqa: F401  (re-exported for tests)


def unique_namespace(env, prefix):
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    client = env.client()
    client.create("namespaces", None, {"apiVersion": "v1", "kind": "Namespace",
                                       "metadata": {"name": name}})
    # Pods need the namespace's "default" ServiceAccount. The controller-manager makes it,
    # but after an API server restart its watches may be backing off for most of a minute;
    # make it here so no test depends on that timing.
    try:
        client.create("serviceaccounts", name, {"apiVersion": "v1", "kind": "ServiceAccount",
                                                "metadata": {"name": "default"}})
    except kubeapi.ApiError as e:
        if e.status != 409:
            raise
    return name


def apply(env, namespace, *objects):
    """kubectl apply of dicts; returns kubectl's result (check=False lets tests see rejections)."""
    doc = {"apiVersion": "v1", "kind": "List", "items": list(objects)}
    return env.kubectl("apply", "-n", namespace, "-f", "-", input=json.dumps(doc), check=False)


def replicaset(name, replicas, labels, annotations=None):
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels, "annotations": annotations or {}},
                "spec": {"containers": [{"name": "app", "image": "example/app:1"}]},
            },
        },
    }


def service(name, selector):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": 8080}]}}


def virtual_service(name, routes, annotations=None):
    """routes: {route_name: [(host, weight), ...]}"""
    return {
        "apiVersion": "networking.istio.io/v1alpha3", "kind": "VirtualService",
        "metadata": {"name": name, "annotations": annotations or {}},
        "spec": {"hosts": [name], "http": [
            {"name": rname, "route": [{"destination": {"host": h}, "weight": w} for h, w in dests]}
            for rname, dests in routes.items()]},
    }


def prom_query(env, query):
    """Instant query; returns the `data` object of Prometheus' answer."""
    url = env.prometheus_url + "/api/v1/query?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(url, timeout=10) as r:
        body = json.load(r)
    assert body["status"] == "success", body
    return body["data"]


def prom_scalar(env, query):
    """The single value of a one-element vector, None for an empty vector."""
    data = prom_query(env, query)
    if data["resultType"] == "scalar":
        return float(data["result"][1])
    if not data["result"]:
        return None
    assert len(data["result"]) == 1, data
    return float(data["result"][0]["value"][1])


def is_nan(v):
    return v is not None and math.isnan(v)


def seed_success_rate_query(service_name, window="5m"):
    """The AnalysisTemplate query from seed 004, unchanged but for the window."""
    return (f'sum(rate(http_requests_total{{\n  service="{service_name}",\n  status=~"2.."\n}}[{window}])) /\n'
            f'sum(rate(http_requests_total{{\n  service="{service_name}"\n}}[{window}]))')


def build_dir():
    import os
    return os.environ.get("SERIN_BUILD_DIR",
                          os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build"))


def built(*parts):
    """Path of a binary of the CMake build (SERIN_BUILD_DIR, default build/)."""
    import os
    path = os.path.join(build_dir(), *parts)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} is not built; run `make build`")
    return path


def audit_entries(env):
    """The API server's audit log (writes only, per the environment's policy)."""
    out = []
    with open(env.audit_log, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def now():
    return time.monotonic()
