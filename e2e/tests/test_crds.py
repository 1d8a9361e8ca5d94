"""serin's CustomResourceDefinitions on a real API server.

The CRDs in crds/ are installed as a user would (`kubectl apply --server-side -f crds/`), then:
Argo-shaped manifests (a real user's, with only apiVersion changed, and full-featured ones)
are accepted and stored without losing a field; invalid ones and Argo features serin does
not implement are rejected with the offending field named; printer columns, the scale
subresource and short names work; and the generator makes working CRDs for another group.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import time

import pytest

from helpers import apply, unique_namespace

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CRD_DIR = os.path.join(REPO, "crds")
EXAMPLES_DIR = os.path.join(CRD_DIR, "examples")
GENERATOR = os.path.join(CRD_DIR, "generate.py")
GROUP = "serin.io"
API = f"{GROUP}/v1alpha1"
PLURALS = ["rollouts", "analysistemplates", "clusteranalysistemplates", "analysisruns"]
DELETE = object()  # marks a field to remove in a mutation


def install_crds(env, directory, group, kubectl=None):
    kubectl = kubectl or env.kubectl
    kubectl("apply", "--server-side", "--force-conflicts", "-f", directory)
    wait_established(kubectl, [f"{p}.{group}" for p in PLURALS])


def wait_established(kubectl, crds, timeout=60):
    # Not `kubectl wait`: right after creation a CRD has no status.conditions yet, and
    # `kubectl wait --for=condition=...` fails on that instead of waiting.
    jsonpath = '{.status.conditions[?(@.type=="Established")].status}'
    deadline = time.monotonic() + timeout
    pending = list(crds)
    while pending:
        pending = [c for c in pending
                   if kubectl("get", "crd", c, "-o", f"jsonpath={jsonpath}", check=False).stdout.strip() != "True"]
        if pending and time.monotonic() > deadline:
            raise AssertionError(f"CRDs not Established after {timeout}s: {pending}")
        if pending:
            time.sleep(0.2)


@pytest.fixture(scope="module")
def ns(env):
    install_crds(env, CRD_DIR, GROUP)
    return unique_namespace(env, "crds")


def qualified(resource):
    # Plain "rollouts" is ambiguous once another group defines the same plural.
    return resource if "." in resource else f"{resource}.{GROUP}"


def get_json(env, ns, resource, name):
    args = ["get", qualified(resource), name, "-o", "json"] + (["-n", ns] if ns else [])
    return json.loads(env.kubectl(*args).stdout)


def exists(env, ns, resource, name):
    args = ["get", qualified(resource), name, "--ignore-not-found", "-o", "name"] + (["-n", ns] if ns else [])
    return env.kubectl(*args).stdout.strip() != ""


def apply_text(env, ns, text):
    return env.kubectl("apply", "-n", ns, "-f", "-", input=text, check=False)


def apply_one(env, ns, obj):
    """kubectl apply of one object, as a user applies a file. (helpers.apply wraps objects in a
    List, which kubectl checks on the client side, with different wording.)"""
    return apply_text(env, ns, json.dumps(obj))


# ---- manifests -------------------------------------------------------------------------

def pod_template(app):
    return {"metadata": {"labels": {"app": app}},
            "spec": {"containers": [{"name": "app", "image": f"example/{app}:1.0.0",
                                     "ports": [{"containerPort": 8080}]}]}}


def rollout(name, strategy, **spec):
    return {"apiVersion": API, "kind": "Rollout", "metadata": {"name": name},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": name}},
                     "template": pod_template(name), "strategy": strategy, **spec}}


def analysis_ref(*names):
    return {"templates": [{"templateName": n} for n in names],
            "args": [{"name": "service-name", "value": "web-canary"}]}


def base_canary(name):
    return rollout(name, {"canary": {
        "canaryService": "web-canary",
        "stableService": "web-stable",
        "trafficRouting": {"istio": {"virtualService": {"name": "web", "routes": ["primary"]}}},
        "steps": [{"setWeight": 20}, {"pause": {"duration": "1m"}},
                  {"analysis": analysis_ref("success-rate")}, {"setWeight": 60}],
    }})


def base_bluegreen(name):
    return rollout(name, {"blueGreen": {"activeService": "web-active", "previewService": "web-preview"}})


def prometheus_metric(name="success-rate", **extra):
    return {"name": name, "interval": "1m", "successCondition": "result[0] >= 0.99",
            "provider": {"prometheus": {"address": "http://prometheus:9090",
                                        "query": 'sum(rate(http_requests_total{status=~"2.."}[5m]))'}},
            **extra}


def analysis_template(name, kind="AnalysisTemplate"):
    return {"apiVersion": API, "kind": kind, "metadata": {"name": name},
            "spec": {"args": [{"name": "service-name"}], "metrics": [prometheus_metric()]}}


def analysis_run(name):
    return {"apiVersion": API, "kind": "AnalysisRun", "metadata": {"name": name},
            "spec": {"args": [{"name": "service-name", "value": "web-canary"}],
                     "metrics": [prometheus_metric()]}}


def full_canary(name):
    """Every canary field serin supports, with a host-level Istio split."""
    return rollout(name, {"canary": {
        "canaryService": f"{name}-canary",
        "stableService": f"{name}-stable",
        "trafficRouting": {"istio": {"virtualService": {
            "name": f"{name}-vs", "routes": ["primary", "secondary"],
            "tlsRoutes": [{"port": 443, "sniHosts": ["shop.example.com"]}],
            "tcpRoutes": [{"port": 5432}]}}},
        "analysis": {"templates": [{"templateName": "success-rate"},
                                   {"templateName": "latency", "clusterScope": True}],
                     "startingStep": 2,
                     "args": [{"name": "service-name", "value": f"{name}-canary"},
                              {"name": "token", "valueFrom": {"secretKeyRef": {"name": "prom", "key": "token"}}},
                              {"name": "team", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['team']"}}}],
                     "dryRun": [{"metricName": "latency"}],
                     "measurementRetention": [{"metricName": "success-rate", "limit": 20}]},
        "steps": [
            {"setCanaryScale": {"replicas": 1}},
            {"setWeight": 0},
            {"setWeight": 10},
            {"pause": {"duration": 30}},
            {"pause": {"duration": "90"}},
            {"pause": {"duration": "1h30m"}},
            {"pause": {"duration": "500ms"}},
            {"setCanaryScale": {"weight": 50}},
            {"setCanaryScale": {"matchTrafficWeight": True}},
            {"analysis": {"templates": [{"templateName": "success-rate"}],
                          "args": [{"name": "service-name", "value": f"{name}-canary"}],
                          "dryRun": [{"metricName": "*"}],
                          "measurementRetention": [{"metricName": "*", "limit": 5}]}},
            {"setWeight": 100},
            {"pause": {}},
        ],
        "maxSurge": "25%",
        "maxUnavailable": 0,
        "scaleDownDelaySeconds": 45,
        "scaleDownDelayRevisionLimit": 2,
        "abortScaleDownDelaySeconds": 0,
        "dynamicStableScale": True,
        "canaryMetadata": {"labels": {"role": "canary"}, "annotations": {"note": "canary pods"}},
        "stableMetadata": {"labels": {"role": "stable"}},
    }}, minReadySeconds=5, revisionHistoryLimit=4, paused=False, progressDeadlineSeconds=120,
        progressDeadlineAbort=True, restartAt="2030-01-02T03:04:05Z",
        rollbackWindow={"revisions": 2},
        analysis={"successfulRunHistoryLimit": 3, "unsuccessfulRunHistoryLimit": 7})


def subset_canary(name):
    """Subset-level split across two VirtualServices and a DestinationRule."""
    return rollout(name, {"canary": {
        "trafficRouting": {"istio": {
            "virtualServices": [{"name": f"{name}-a", "routes": ["primary"]},
                                {"name": f"{name}-b.other-namespace"}],
            "destinationRule": {"name": name, "canarySubsetName": "canary", "stableSubsetName": "stable"}}},
        "steps": [{"setWeight": 25}, {"pause": {"duration": "10m"}}],
    }})


def basic_canary(name):
    """No traffic router: the weight comes from replica counts."""
    obj = rollout(name, {"canary": {"maxSurge": 1, "maxUnavailable": "10%",
                                    "steps": [{"setWeight": 34}, {"pause": {"duration": 60}}, {"setWeight": 67}]}},
                  replicas=3)
    obj["spec"]["selector"]["matchExpressions"] = [{"key": "tier", "operator": "In", "values": ["web", "api"]}]
    obj["spec"]["template"]["metadata"]["labels"]["tier"] = "web"
    return obj


def full_bluegreen(name):
    return rollout(name, {"blueGreen": {
        "activeService": f"{name}-active",
        "previewService": f"{name}-preview",
        "autoPromotionEnabled": True,
        "autoPromotionSeconds": 120,
        "previewReplicaCount": 1,
        "prePromotionAnalysis": {"templates": [{"templateName": "success-rate"}],
                                 "args": [{"name": "service-name", "value": f"{name}-preview"}]},
        "postPromotionAnalysis": {"templates": [{"templateName": "smoke", "clusterScope": True}],
                                  "dryRun": [{"metricName": "smoke"}]},
        "scaleDownDelaySeconds": 30,
        "scaleDownDelayRevisionLimit": 1,
        "abortScaleDownDelaySeconds": 60,
        "previewMetadata": {"labels": {"role": "preview"}},
        "activeMetadata": {"labels": {"role": "active"}, "annotations": {"a": "b"}},
    }}, replicas=4)


def full_analysis_template(name, kind="AnalysisTemplate"):
    return {"apiVersion": API, "kind": kind, "metadata": {"name": name}, "spec": {
        "args": [{"name": "service-name"},
                 {"name": "window", "value": "5m"},
                 {"name": "limit", "value": "2"},
                 {"name": "token", "valueFrom": {"secretKeyRef": {"name": "prometheus", "key": "token"}}}],
        "metrics": [
            {"name": "success-rate", "interval": "30s", "initialDelay": "1m", "count": 10,
             "successCondition": "result[0] >= 0.99", "failureCondition": "result[0] < 0.9",
             "failureLimit": 2, "inconclusiveLimit": 1, "consecutiveErrorLimit": 4,
             "consecutiveSuccessLimit": 3,
             "provider": {"prometheus": {
                 "address": "https://prometheus.monitoring:9090",
                 "query": 'sum(rate(http_requests_total{service="{{args.service-name}}"}[{{args.window}}]))',
                 "timeout": 15, "insecure": True,
                 "headers": [{"key": "Authorization", "value": "Bearer {{args.token}}"},
                             {"key": "X-Scope-OrgID", "value": "shop"}]}}},
            {"name": "errors", "interval": "{{args.window}}", "count": "{{args.limit}}",
             "failureLimit": "{{args.limit}}", "consecutiveErrorLimit": "2",
             "failureCondition": "isNaN(result) || result > 5",
             "provider": {"prometheus": {"query": "sum(rate(errors_total[1m]))",
                                         # Argo's Go client writes these empty objects.
                                         "authentication": {"sigv4": {}, "oauth2": {}}}}},
            {"name": "no-limit", "failureLimit": "-1", "successCondition": "result > 0",
             "provider": {"prometheus": {"query": "vector(1)"}}},
        ],
        "dryRun": [{"metricName": "errors"}],
        "measurementRetention": [{"metricName": "success-rate", "limit": 30}],
    }}


def full_analysis_run(name):
    run = full_analysis_template(name)
    run["kind"] = "AnalysisRun"
    run["spec"]["args"] = [{"name": "service-name", "value": "web-canary"},
                           {"name": "window", "value": "5m"}, {"name": "limit", "value": "2"},
                           {"name": "token", "valueFrom": {"secretKeyRef": {"name": "prometheus", "key": "token"}}},
                           {"name": "team", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['team']"}}}]
    run["spec"]["terminate"] = False
    return run


# The Rollout and AnalysisTemplate of seed 004, a real user's Argo Rollouts manifests, with
# only the apiVersion changed.
SEED_004 = """\
apiVersion: serin.io/v1alpha1
kind: Rollout
metadata:
  name: app-rollout
  namespace: NAMESPACE
spec:
  replicas: 10
  selector:
    matchLabels:
      app: production-app
  template:
    metadata:
      labels:
        app: production-app
    spec:
      containers:
        - name: app
          image: app:latest
          ports:
            - containerPort: 8080
          resources:
            requests:
              memory: "256Mi"
              cpu: "250m"
            limits:
              memory: "512Mi"
              cpu: "500m"
          livenessProbe:
            httpGet:
              path: /health
              port: 8080
            initialDelaySeconds: 10
          readinessProbe:
            httpGet:
              path: /ready
              port: 8080
            initialDelaySeconds: 5

  strategy:
    canary:
      steps:
        - setWeight: 10
        - pause: {duration: 5m}
        - setWeight: 30
        - pause: {duration: 5m}
        - setWeight: 50
        - pause: {duration: 10m}
        - setWeight: 100

      analysis:
        templates:
          - templateName: success-rate
        startingStep: 1
        args:
          - name: service-name
            value: production-app

      trafficRouting:
        istio:
          virtualService:
            name: app-vsvc
            routes:
              - primary

---
apiVersion: serin.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
  namespace: NAMESPACE
spec:
  args:
    - name: service-name
  metrics:
    - name: success-rate
      interval: 1m
      successCondition: result[0] >= 0.99
      failureLimit: 3
      provider:
        prometheus:
          address: http://prometheus:9090
          query: |
            sum(rate(http_requests_total{
              service="{{args.service-name}}",
              status=~"2.."
            }[5m])) /
            sum(rate(http_requests_total{
              service="{{args.service-name}}"
            }[5m]))
"""


# ---- accepted ----------------------------------------------------------------------------

def test_seed_004_rollout_and_template_are_accepted_unchanged(env, ns):
    res = apply_text(env, ns, SEED_004.replace("NAMESPACE", ns))
    assert res.returncode == 0, res.stderr
    ro = get_json(env, ns, "rollouts", "app-rollout")
    canary = ro["spec"]["strategy"]["canary"]
    assert [s.get("setWeight") for s in canary["steps"]] == [10, None, 30, None, 50, None, 100]
    assert [s["pause"]["duration"] for s in canary["steps"] if "pause" in s] == ["5m", "5m", "10m"]
    assert canary["analysis"] == {"templates": [{"templateName": "success-rate"}], "startingStep": 1,
                                  "args": [{"name": "service-name", "value": "production-app"}]}
    assert canary["trafficRouting"] == {"istio": {"virtualService": {"name": "app-vsvc", "routes": ["primary"]}}}
    # The pod spec is kept verbatim, down to the probes.
    container = ro["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"] == {"httpGet": {"path": "/health", "port": 8080}, "initialDelaySeconds": 10}
    assert container["resources"]["limits"] == {"memory": "512Mi", "cpu": "500m"}
    at = get_json(env, ns, "analysistemplates", "success-rate")
    metric = at["spec"]["metrics"][0]
    assert metric["failureLimit"] == 3 and metric["interval"] == "1m"
    assert 'status=~"2.."' in metric["provider"]["prometheus"]["query"]


@pytest.mark.parametrize("make,resource", [
    (full_canary, "rollouts"),
    (subset_canary, "rollouts"),
    (full_bluegreen, "rollouts"),
    (base_canary, "rollouts"),
    (basic_canary, "rollouts"),
    (full_analysis_template, "analysistemplates"),
    (full_analysis_run, "analysisruns"),
    (analysis_run, "analysisruns"),
], ids=lambda v: getattr(v, "__name__", v))
def test_full_featured_manifest_is_stored_without_losing_a_field(env, ns, make, resource):
    name = f"ok-{make.__name__.replace('_', '-')}"
    obj = make(name)
    res = apply(env, ns, obj)
    assert res.returncode == 0, res.stderr
    stored = get_json(env, ns, resource, name)
    assert stored["spec"] == obj["spec"], "the API server changed or pruned part of the spec"


def test_cluster_analysis_template_is_accepted(env, ns):
    name = f"{ns}-latency"
    obj = full_analysis_template(name, kind="ClusterAnalysisTemplate")
    res = apply(env, ns, obj)
    assert res.returncode == 0, res.stderr
    stored = get_json(env, None, "clusteranalysistemplates", name)
    assert stored["spec"] == obj["spec"]
    assert "namespace" not in stored["metadata"]
    env.kubectl("delete", qualified("clusteranalysistemplates"), name)


def test_replicas_default_to_one(env, ns):
    obj = base_bluegreen("default-replicas")
    del obj["spec"]["replicas"]
    res = apply(env, ns, obj)
    assert res.returncode == 0, res.stderr
    assert get_json(env, ns, "rollouts", "default-replicas")["spec"]["replicas"] == 1


def test_examples_are_accepted(env, ns):
    ex_ns = unique_namespace(env, "crd-examples")
    files = sorted(f for f in os.listdir(EXAMPLES_DIR) if f.endswith(".yaml"))
    assert len(files) >= 4, files
    for f in files:
        res = env.kubectl("apply", "-n", ex_ns, "-f", os.path.join(EXAMPLES_DIR, f), check=False)
        assert res.returncode == 0, f"{f}: {res.stderr}"
    names = env.kubectl("get", f"rollouts.{GROUP},analysistemplates.{GROUP}", "-n", ex_ns,
                        "-o", "name").stdout.split()
    assert sorted(names) == sorted([f"rollout.{GROUP}/checkout", f"rollout.{GROUP}/payments",
                                    f"rollout.{GROUP}/inventory", f"analysistemplate.{GROUP}/success-rate"])
    payments = get_json(env, ex_ns, "rollouts", "payments")
    istio = payments["spec"]["strategy"]["canary"]["trafficRouting"]["istio"]
    assert istio["destinationRule"]["canarySubsetName"] == "canary"


# ---- rejected ----------------------------------------------------------------------------

def _walk(obj, path):
    """Splits "a.b[0].c" and returns (parent, last key) inside obj, creating dicts on the way."""
    keys = []
    for part in path.split("."):
        while "[" in part:
            head, rest = part.split("[", 1)
            if head:
                keys.append(head)
            idx, part = rest.split("]", 1)
            keys.append(int(idx))
        if part:
            keys.append(part)
    cur = obj
    for k in keys[:-1]:
        if isinstance(k, str) and k not in cur:
            cur[k] = {}
        cur = cur[k]
    return cur, keys[-1]


def mutate(obj, changes):
    obj = copy.deepcopy(obj)
    for path, value in changes.items():
        parent, key = _walk(obj, path)
        if value is DELETE:
            del parent[key]
        else:
            parent[key] = value
    return obj


C = "spec.strategy.canary"
TR = f"{C}.trafficRouting"
BG = "spec.strategy.blueGreen"
FORBIDDEN = "Forbidden"


def wrong_type(json_type):
    # The API server's wording, or kubectl's when its client-side check of the published
    # schema catches the type first.
    return (f"must be of type {json_type}", f'expected "{json_type}"')

ROUTERS = {"nginx": {"stableIngress": "web"}, "alb": {"ingress": "web", "servicePort": 80},
           "smi": {"trafficSplitName": "web"}, "ambassador": {"mappings": ["web"]},
           "appMesh": {"virtualService": {"name": "web"}},
           "traefik": {"weightedTraefikServiceName": "web"}, "apisix": {"route": {"name": "web"}}}

ROLLOUT_CASES = [
    # (id, base, changes, substrings the error must contain)
    ("setWeight-150", base_canary, {f"{C}.steps[0].setWeight": 150},
     [f"{C}.steps[0].setWeight", "less than or equal to 100"]),
    ("setWeight-negative", base_canary, {f"{C}.steps[0].setWeight": -1},
     [f"{C}.steps[0].setWeight", "greater than or equal to 0"]),
    ("setWeight-string", base_canary, {f"{C}.steps[0].setWeight": "ten"},
     [f"{C}.steps[0].setWeight", wrong_type("integer")]),
    ("replicas-negative", base_canary, {"spec.replicas": -1},
     ["spec.replicas", "greater than or equal to 0"]),
    ("replicas-string", base_canary, {"spec.replicas": "three"},
     ["spec.replicas", wrong_type("integer")]),
    ("pause-duration-5x", base_canary, {f"{C}.steps[1].pause.duration": "5x"},
     [f"{C}.steps[1].pause.duration", "should match"]),
    ("pause-duration-negative", base_canary, {f"{C}.steps[1].pause.duration": -5},
     [f"{C}.steps[1].pause.duration", "greater than or equal to 0"]),
    ("pause-duration-minus-string", base_canary, {f"{C}.steps[1].pause.duration": "-1m"},
     [f"{C}.steps[1].pause.duration", "should match"]),
    ("canary-and-blueGreen", base_canary, {f"{BG}": {"activeService": "web-active"}},
     ["spec.strategy", "exactly one of canary or blueGreen"]),
    ("neither-strategy", base_canary, {"spec.strategy": {}},
     ["spec.strategy", "exactly one of canary or blueGreen"]),
    ("no-strategy", base_canary, {"spec.strategy": DELETE}, ["spec.strategy", "Required value"]),
    ("no-selector", base_canary, {"spec.selector": DELETE}, ["spec.selector", "Required value"]),
    ("no-template", base_canary, {"spec.template": DELETE}, ["spec.template", "Required value"]),
    ("experiment-step", base_canary,
     {f"{C}.steps[1]": {"experiment": {"templates": [{"name": "x", "specRef": "canary"}]}}},
     [f"{C}.steps[1].experiment", FORBIDDEN, "experiment steps are not supported by serin"]),
    ("setHeaderRoute-step", base_canary, {f"{C}.steps[1]": {"setHeaderRoute": {"name": "hdr"}}},
     [f"{C}.steps[1].setHeaderRoute", "setHeaderRoute steps are not supported by serin"]),
    ("setMirrorRoute-step", base_canary, {f"{C}.steps[1]": {"setMirrorRoute": {"name": "mirror", "percentage": 10}}},
     [f"{C}.steps[1].setMirrorRoute", "setMirrorRoute steps are not supported by serin"]),
    ("plugin-step", base_canary, {f"{C}.steps[1]": {"plugin": {"name": "x", "config": {"a": 1}}}},
     [f"{C}.steps[1].plugin", "plugin steps are not supported by serin"]),
    ("empty-step", base_canary, {f"{C}.steps[1]": {}},
     [f"{C}.steps[1]", "a step needs one of setWeight, pause, setCanaryScale or analysis"]),
    ("two-actions-in-a-step", base_canary, {f"{C}.steps[0].pause": {}},
     [f"{C}.steps[0]", "a step sets only one of"]),
    ("typo-setWieght", base_canary, {f"{C}.steps[0]": {"setWieght": 20}},
     [f'unknown field "{C}.steps[0].setWieght"']),
    ("typo-in-spec", base_canary, {"spec.replica": 3}, ['unknown field "spec.replica"']),
    ("typo-in-istio", base_canary, {f"{TR}.istio.virtualService.route": ["primary"]},
     [f'unknown field "{TR}.istio.virtualService.route"']),
    *[(f"router-{r}", base_canary, {f"{TR}.{r}": v},
       [f"{TR}.{r}", FORBIDDEN, f"traffic router {r} is not supported by serin"]) for r, v in ROUTERS.items()],
    ("router-plugins", base_canary, {f"{TR}.plugins": {"example.com/router": {"x": 1}}},
     [f"{TR}.plugins", "traffic router plugins are not supported by serin"]),
    ("managedRoutes", base_canary, {f"{TR}.managedRoutes": [{"name": "hdr"}]},
     [f"{TR}.managedRoutes", "managedRoutes is not supported by serin"]),
    ("maxTrafficWeight", base_canary, {f"{TR}.maxTrafficWeight": 1000},
     [f"{TR}.maxTrafficWeight", "maxTrafficWeight is not supported by serin"]),
    ("nginx-instead-of-istio", base_canary, {f"{TR}": {"nginx": {"stableIngress": "web"}}},
     [f"{TR}.nginx", "trafficRouting needs istio"]),
    ("virtualService-and-virtualServices", base_canary,
     {f"{TR}.istio.virtualServices": [{"name": "other"}]},
     [f"{TR}.istio", "istio needs exactly one of virtualService or virtualServices"]),
    ("no-virtualService", base_canary, {f"{TR}.istio.virtualService": DELETE},
     [f"{TR}.istio", "istio needs exactly one of virtualService or virtualServices"]),
    ("virtualService-without-name", base_canary, {f"{TR}.istio.virtualService.name": DELETE},
     [f"{TR}.istio.virtualService.name", "Required value"]),
    ("destinationRule-without-stable-subset", base_canary,
     {f"{TR}.istio.destinationRule": {"name": "web", "canarySubsetName": "canary"}},
     [f"{TR}.istio.destinationRule.stableSubsetName", "Required value"]),
    ("destinationRule-additionalSubsetNames", base_canary,
     {f"{TR}.istio.destinationRule": {"name": "web", "canarySubsetName": "canary",
                                      "stableSubsetName": "stable", "additionalSubsetNames": ["v0"]}},
     [f"{TR}.istio.destinationRule.additionalSubsetNames", "additionalSubsetNames is not supported by serin"]),
    ("workloadRef", base_canary, {"spec.workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}},
     ["spec.workloadRef", FORBIDDEN, "workloadRef is not supported by serin"]),
    ("canary-antiAffinity", base_canary, {f"{C}.antiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {}}},
     [f"{C}.antiAffinity", "antiAffinity is not supported by serin"]),
    ("canary-pingPong", base_canary, {f"{C}.pingPong": {"pingService": "ping", "pongService": "pong"}},
     [f"{C}.pingPong", "pingPong is not supported by serin"]),
    ("canary-minPodsPerReplicaSet", base_canary, {f"{C}.minPodsPerReplicaSet": 2},
     [f"{C}.minPodsPerReplicaSet", "minPodsPerReplicaSet is not supported by serin"]),
    ("canary-replicaProgressThreshold", base_canary, {f"{C}.replicaProgressThreshold": {"type": "Pods", "value": 1}},
     [f"{C}.replicaProgressThreshold", "replicaProgressThreshold is not supported by serin"]),
    ("same-canary-and-stable-service", base_canary, {f"{C}.canaryService": "web-stable"},
     [C, "canaryService and stableService must be two different Services"]),
    ("maxSurge-word", base_canary, {f"{C}.maxSurge": "lots"}, [f"{C}.maxSurge", "should match"]),
    ("maxUnavailable-negative", base_canary, {f"{C}.maxUnavailable": -1},
     [f"{C}.maxUnavailable", "greater than or equal to 0"]),
    ("scaleDownDelaySeconds-negative", base_canary, {f"{C}.scaleDownDelaySeconds": -30},
     [f"{C}.scaleDownDelaySeconds", "greater than or equal to 0"]),
    ("setCanaryScale-weight-101", base_canary, {f"{C}.steps[0]": {"setCanaryScale": {"weight": 101}}},
     [f"{C}.steps[0].setCanaryScale.weight", "less than or equal to 100"]),
    ("setCanaryScale-weight-and-replicas", base_canary,
     {f"{C}.steps[0]": {"setCanaryScale": {"weight": 10, "replicas": 2}}},
     [f"{C}.steps[0].setCanaryScale", "setCanaryScale needs exactly one of weight, replicas or matchTrafficWeight"]),
    ("analysis-step-without-templates", base_canary, {f"{C}.steps[2].analysis.templates": DELETE},
     [f"{C}.steps[2].analysis.templates", "Required value"]),
    ("analysis-step-empty-templates", base_canary, {f"{C}.steps[2].analysis.templates": []},
     [f"{C}.steps[2].analysis.templates", "at least 1 items"]),
    ("template-ref-without-name", base_canary, {f"{C}.steps[2].analysis.templates": [{"clusterScope": True}]},
     [f"{C}.steps[2].analysis.templates[0].templateName", "Required value"]),
    ("arg-without-name", base_canary, {f"{C}.steps[2].analysis.args": [{"value": "x"}]},
     [f"{C}.steps[2].analysis.args[0].name", "Required value"]),
    ("arg-without-value", base_canary, {f"{C}.steps[2].analysis.args": [{"name": "service-name"}]},
     [f"{C}.steps[2].analysis.args[0]", "needs exactly one of value or valueFrom"]),
    ("arg-podTemplateHashValue", base_canary,
     {f"{C}.steps[2].analysis.args": [{"name": "hash", "valueFrom": {"podTemplateHashValue": "Latest"}}]},
     [f"{C}.steps[2].analysis.args[0].valueFrom.podTemplateHashValue",
      "podTemplateHashValue is not supported by serin"]),
    ("arg-duplicate-name", base_canary,
     {f"{C}.steps[2].analysis.args": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]},
     [f"{C}.steps[2].analysis.args[1]", "Duplicate value"]),
    ("analysisRunMetadata", base_canary, {f"{C}.steps[2].analysis.analysisRunMetadata": {"labels": {"a": "b"}}},
     [f"{C}.steps[2].analysis.analysisRunMetadata", "analysisRunMetadata is not supported by serin"]),
    ("background-startingStep-negative", base_canary,
     {f"{C}.analysis": {"templates": [{"templateName": "x"}], "startingStep": -1}},
     [f"{C}.analysis.startingStep", "greater than or equal to 0"]),
    ("template-without-containers", base_canary, {"spec.template.spec": {"volumes": []}},
     ["spec.template.spec.containers", "Required value"]),
    ("template-no-containers", base_canary, {"spec.template.spec.containers": []},
     ["spec.template.spec.containers", "at least 1 items"]),
    ("selector-does-not-match-template", base_canary, {"spec.template.metadata.labels": {"app": "other"}},
     ["spec.template.metadata", "selector.matchLabels must match template.metadata.labels"]),
    ("empty-selector", base_canary, {"spec.selector": {"matchLabels": {}}},
     ["spec.selector", "selector must not be empty"]),
    ("selector-bad-operator", base_canary,
     {"spec.selector.matchExpressions": [{"key": "tier", "operator": "Maybe"}]},
     ["spec.selector.matchExpressions[0].operator", "Unsupported value"]),
    ("restartAt-not-a-time", base_canary, {"spec.restartAt": "tomorrow"}, ["spec.restartAt", "date-time"]),
    ("progressDeadline-below-minReady", base_canary, {"spec.progressDeadlineSeconds": 10, "spec.minReadySeconds": 30},
     ["spec.progressDeadlineSeconds", "must be greater than minReadySeconds"]),
    ("paused-string", base_canary, {"spec.paused": "yes"}, ["spec.paused", wrong_type("boolean")]),
    ("blueGreen-without-activeService", base_bluegreen, {f"{BG}.activeService": DELETE},
     [f"{BG}.activeService", "Required value"]),
    ("blueGreen-same-services", base_bluegreen, {f"{BG}.previewService": "web-active"},
     [BG, "activeService and previewService must be two different Services"]),
    ("blueGreen-antiAffinity", base_bluegreen,
     {f"{BG}.antiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": {"weight": 1}}},
     [f"{BG}.antiAffinity", "antiAffinity is not supported by serin"]),
    ("blueGreen-maxUnavailable", base_bluegreen, {f"{BG}.maxUnavailable": 1},
     [f"{BG}.maxUnavailable", "blueGreen.maxUnavailable is not supported by serin"]),
    ("blueGreen-previewReplicaCount-negative", base_bluegreen, {f"{BG}.previewReplicaCount": -1},
     [f"{BG}.previewReplicaCount", "greater than or equal to 0"]),
    ("typo-in-prePromotionAnalysis", base_bluegreen,
     {f"{BG}.prePromotionAnalysis": {"templates": [{"templateName": "x"}], "templatez": []}},
     [f'unknown field "{BG}.prePromotionAnalysis.templatez"']),
]


@pytest.mark.parametrize("case_id,base,changes,expected", ROLLOUT_CASES, ids=[c[0] for c in ROLLOUT_CASES])
def test_invalid_rollout_is_rejected_naming_the_field(env, ns, case_id, base, changes, expected):
    assert_rejected(env, ns, "rollouts", mutate(base(f"bad-{case_id.lower()}"), changes), expected)


M = "spec.metrics[0]"
P = f"{M}.provider"
PROM = f"{P}.prometheus"
UNSUPPORTED_PROVIDERS = {
    "web": {"url": "http://example.com"}, "job": {"spec": {"template": {}}},
    "datadog": {"query": "avg:x"}, "newRelic": {"query": "SELECT 1"}, "wavefront": {"query": "ts(x)"},
    "kayenta": {"address": "http://kayenta"}, "cloudWatch": {"metricDataQueries": []},
    "graphite": {"query": "x"}, "influxdb": {"query": "x"}, "skywalking": {"query": "x"},
    "plugin": {"example.com/metric": {"q": 1}},
}

TEMPLATE_CASES = [
    *[(f"provider-{p}", {P: {p: v}}, [f"{P}.{p}", FORBIDDEN, f"provider {p} is not supported by serin yet"])
      for p, v in UNSUPPORTED_PROVIDERS.items()],
    ("prometheus-and-web", {f"{P}.web": {"url": "http://x"}}, [f"{P}.web", "provider web is not supported"]),
    ("no-provider-set", {P: {}}, [P, "a metric needs exactly one provider"]),
    ("no-provider", {P: DELETE}, [P, "Required value"]),
    ("metric-without-name", {f"{M}.name": DELETE}, [f"{M}.name", "Required value"]),
    ("empty-metrics", {"spec.metrics": []}, ["spec.metrics", "at least 1 items"]),
    ("no-metrics", {"spec.metrics": DELETE}, ["spec.metrics", "Required value"]),
    ("more-than-100-metrics", {"spec.metrics": [prometheus_metric(f"m{i}") for i in range(101)]},
     ["spec.metrics", "must have at most 100 items"]),
    ("duplicate-metric-names", {"spec.metrics[1]": prometheus_metric()}, ["spec.metrics[1]", "Duplicate value"]),
    ("prometheus-without-query", {f"{PROM}.query": DELETE}, [f"{PROM}.query", "Required value"]),
    ("interval-1x", {f"{M}.interval": "1x"}, [f"{M}.interval", "should match"]),
    ("initialDelay-word", {f"{M}.initialDelay": "soon"}, [f"{M}.initialDelay", "should match"]),
    ("interval-number", {f"{M}.interval": 60}, [f"{M}.interval", wrong_type("string")]),
    ("failureLimit-word", {f"{M}.failureLimit": "three"}, [f"{M}.failureLimit", "should match"]),
    ("failureLimit-below-minus-one", {f"{M}.failureLimit": -2}, [f"{M}.failureLimit", "greater than or equal to -1"]),
    ("failureLimit-string-below-minus-one", {f"{M}.failureLimit": "-2"}, [f"{M}.failureLimit", "should match"]),
    ("inconclusiveLimit-string-negative", {f"{M}.inconclusiveLimit": "-1"}, [f"{M}.inconclusiveLimit", "should match"]),
    ("consecutiveErrorLimit-negative", {f"{M}.consecutiveErrorLimit": -1},
     [f"{M}.consecutiveErrorLimit", "greater than or equal to 0"]),
    ("count-without-interval", {f"{M}.interval": DELETE, f"{M}.count": 5},
     [f"{M}.interval", "count greater than 1 needs an interval"]),
    ("timeout-zero", {f"{PROM}.timeout": 0}, [f"{PROM}.timeout", "greater than or equal to 1"]),
    ("timeout-duration-string", {f"{PROM}.timeout": "30s"}, [f"{PROM}.timeout", wrong_type("integer")]),
    ("sigv4", {f"{PROM}.authentication": {"sigv4": {"region": "eu-west-1"}}},
     [f"{PROM}.authentication.sigv4", "sigv4 authentication is not supported by serin"]),
    ("oauth2", {f"{PROM}.authentication": {"oauth2": {"tokenUrl": "https://idp/token", "clientId": "x"}}},
     [f"{PROM}.authentication.oauth2", "oauth2 authentication is not supported by serin"]),
    ("rangeQuery", {f"{PROM}.rangeQuery": {"start": "now() - duration('1h')", "end": "now()", "step": "1m"}},
     [f"{PROM}.rangeQuery", "rangeQuery is not supported by serin"]),
    ("header-without-value", {f"{PROM}.headers": [{"key": "Authorization"}]},
     [f"{PROM}.headers[0].value", "Required value"]),
    ("typo-successCondtion", {f"{M}.successCondtion": "result > 1"}, [f'unknown field "{M}.successCondtion"']),
    ("nested-templates", {"spec.templates": [{"templateName": "other"}]},
     ["spec.templates", "templates (nested analysis templates) is not supported by serin"]),
    ("arg-value-and-valueFrom",
     {"spec.args": [{"name": "a", "value": "1", "valueFrom": {"fieldRef": {"fieldPath": "x"}}}]},
     ["spec.args[0]", "set value or valueFrom, not both"]),
    ("arg-secret-without-key", {"spec.args": [{"name": "a", "valueFrom": {"secretKeyRef": {"name": "s"}}}]},
     ["spec.args[0].valueFrom.secretKeyRef.key", "Required value"]),
    ("dryRun-without-metricName", {"spec.dryRun": [{}]}, ["spec.dryRun[0].metricName", "Required value"]),
    ("measurementRetention-without-limit", {"spec.measurementRetention": [{"metricName": "x"}]},
     ["spec.measurementRetention[0].limit", "Required value"]),
]


@pytest.mark.parametrize("case_id,changes,expected", TEMPLATE_CASES, ids=[c[0] for c in TEMPLATE_CASES])
def test_invalid_analysis_template_is_rejected_naming_the_field(env, ns, case_id, changes, expected):
    obj = analysis_template(f"bad-{case_id.lower()}")
    obj["spec"]["metrics"].append(prometheus_metric("second"))
    assert_rejected(env, ns, "analysistemplates", mutate(obj, changes), expected)


@pytest.mark.parametrize("case_id,changes,expected", [
    ("provider-kayenta", {P: {"kayenta": {"address": "http://kayenta"}}},
     [f"{P}.kayenta", "provider kayenta is not supported by serin yet"]),
    ("no-metrics", {"spec.metrics": DELETE}, ["spec.metrics", "Required value"]),
], ids=["provider-kayenta", "no-metrics"])
def test_invalid_cluster_analysis_template_is_rejected(env, ns, case_id, changes, expected):
    name = f"{ns}-bad-{case_id}"
    obj = mutate(analysis_template(name, kind="ClusterAnalysisTemplate"), changes)
    assert_rejected(env, None, "clusteranalysistemplates", obj, expected)


@pytest.mark.parametrize("case_id,changes,expected", [
    ("ttlStrategy", {"spec.ttlStrategy": {"secondsAfterCompletion": 60}},
     ["spec.ttlStrategy", "ttlStrategy is not supported by serin"]),
    ("terminate-string", {"spec.terminate": "yes"}, ["spec.terminate", wrong_type("boolean")]),
    ("no-metrics", {"spec.metrics": DELETE}, ["spec.metrics", "Required value"]),
    ("provider-job", {P: {"job": {"spec": {}}}}, [f"{P}.job", "provider job is not supported by serin yet"]),
    ("typo-argz", {"spec.argz": []}, ['unknown field "spec.argz"']),
], ids=["ttlStrategy", "terminate-string", "no-metrics", "provider-job", "typo-argz"])
def test_invalid_analysis_run_is_rejected(env, ns, case_id, changes, expected):
    assert_rejected(env, ns, "analysisruns", mutate(analysis_run(f"bad-{case_id.lower()}"), changes), expected)


def assert_rejected(env, ns, resource, obj, expected):
    """`expected`: texts kubectl's error must contain; a tuple means any one of them."""
    res = apply_one(env, ns or "default", obj)
    assert res.returncode != 0, f"accepted: {json.dumps(obj['spec'])}"
    for text in expected:
        options = text if isinstance(text, tuple) else (text,)
        assert any(t in res.stderr for t in options), f"{text!r} not in kubectl's error:\n{res.stderr}"
    assert not exists(env, ns, resource, obj["metadata"]["name"])


def test_selector_is_immutable(env, ns):
    obj = base_canary("immutable-selector")
    assert apply(env, ns, obj).returncode == 0
    changed = mutate(obj, {"spec.selector.matchLabels": {"app": "immutable-selector", "tier": "web"},
                           "spec.template.metadata.labels.tier": "web"})
    res = apply(env, ns, changed)
    assert res.returncode != 0 and "spec.selector" in res.stderr and "selector is immutable" in res.stderr, res.stderr


def test_unsupported_field_cannot_be_added_later(env, ns):
    obj = base_canary("add-later")
    assert apply(env, ns, obj).returncode == 0
    res = env.kubectl("patch", qualified("rollouts"), "add-later", "-n", ns, "--type=json", "-p", json.dumps(
        [{"op": "add", "path": "/spec/strategy/canary/steps/-", "value": {"setHeaderRoute": {"name": "h"}}}]),
        check=False)
    assert res.returncode != 0 and "setHeaderRoute steps are not supported by serin" in res.stderr, res.stderr
    assert len(get_json(env, ns, "rollouts", "add-later")["spec"]["strategy"]["canary"]["steps"]) == 4


# ---- printer columns, scale subresource, short names ---------------------------------------

def test_rollout_printer_columns_show_status(env, ns):
    assert apply(env, ns, base_canary("columns")).returncode == 0
    status = {"phase": "Progressing", "currentStepIndex": 2, "replicas": 4, "updatedReplicas": 1,
              "availableReplicas": 3, "canary": {"weights": {"canary": {"weight": 20}, "stable": {"weight": 80}}}}
    env.kubectl("patch", qualified("rollouts"), "columns", "-n", ns, "--subresource=status", "--type=merge",
                "-p", json.dumps({"status": status}))
    out = env.kubectl("get", "ro", "columns", "-n", ns).stdout.splitlines()
    header = out[0].split()
    assert header == ["NAME", "DESIRED", "CURRENT", "UP-TO-DATE", "AVAILABLE", "PHASE", "STEP", "WEIGHT", "AGE"], out
    row = out[1].split()
    assert row[:8] == ["columns", "3", "4", "1", "3", "Progressing", "2", "20"], out


def test_analysis_run_printer_column_shows_phase(env, ns):
    assert apply(env, ns, analysis_run("columns-run")).returncode == 0
    env.kubectl("patch", qualified("analysisruns"), "columns-run", "-n", ns, "--subresource=status", "--type=merge",
                "-p", json.dumps({"status": {"phase": "Successful"}}))
    out = env.kubectl("get", "ar", "columns-run", "-n", ns).stdout.splitlines()
    assert out[0].split() == ["NAME", "STATUS", "AGE"], out
    assert out[1].split()[:2] == ["columns-run", "Successful"], out


def test_status_is_a_subresource(env, ns):
    obj = base_canary("status-sub")
    obj["status"] = {"phase": "Healthy"}
    assert apply(env, ns, obj).returncode == 0
    assert get_json(env, ns, "rollouts", "status-sub").get("status", {}).get("phase") is None


def test_kubectl_scale_uses_the_scale_subresource(env, ns):
    assert apply(env, ns, base_canary("scalable")).returncode == 0
    env.kubectl("patch", qualified("rollouts"), "scalable", "-n", ns, "--subresource=status", "--type=merge",
                "-p", json.dumps({"status": {"HPAReplicas": 3, "selector": "app=scalable"}}))
    env.kubectl("scale", "rollout", "scalable", "-n", ns, "--replicas=5")
    assert get_json(env, ns, "rollouts", "scalable")["spec"]["replicas"] == 5
    scale = json.loads(env.kubectl("get", qualified("rollouts"), "scalable", "-n", ns,
                                   "--subresource=scale", "-o", "json").stdout)
    assert scale["kind"] == "Scale"
    assert scale["spec"]["replicas"] == 5
    assert scale["status"] == {"replicas": 3, "selector": "app=scalable"}
    res = env.kubectl("scale", "rollout", "scalable", "-n", ns, "--replicas=-1", check=False)
    assert res.returncode != 0


def test_short_names_and_full_names(env, ns):
    res = apply(env, ns, base_bluegreen("short"), analysis_template("short-at"), analysis_run("short-ar"))
    assert res.returncode == 0, res.stderr
    cat_name = f"{ns}-short-cat"
    assert apply(env, ns, analysis_template(cat_name, kind="ClusterAnalysisTemplate")).returncode == 0
    try:
        for short, full, name in (("ro", "rollouts", "short"), ("at", "analysistemplates", "short-at"),
                                  ("ar", "analysisruns", "short-ar")):
            for resource in (short, full, f"{full}.{GROUP}"):
                out = env.kubectl("get", resource, name, "-n", ns, "-o", "name").stdout.strip()
                assert out == f"{full[:-1]}.{GROUP}/{name}", (resource, out)
        for resource in ("cat", "clusteranalysistemplates", f"clusteranalysistemplates.{GROUP}"):
            out = env.kubectl("get", resource, cat_name, "-o", "name").stdout.strip()
            assert out == f"clusteranalysistemplate.{GROUP}/{cat_name}", (resource, out)
        resources = env.kubectl("api-resources", f"--api-group={GROUP}", "-o", "wide").stdout
        for line in ("rollouts ro", "analysistemplates at", "clusteranalysistemplates cat", "analysisruns ar"):
            plural, short = line.split()
            row = next(r for r in resources.splitlines() if r.split()[:1] == [plural])
            assert row.split()[1] == short, row
        assert "false" in next(r for r in resources.splitlines() if r.startswith("clusteranalysistemplates ")).split()
    finally:
        env.kubectl("delete", qualified("clusteranalysistemplates"), cat_name, "--ignore-not-found")


def test_kubectl_explain_shows_the_schema(env, ns):
    out = env.kubectl("explain", f"rollouts.{GROUP}.spec.strategy.canary.steps.setWeight").stdout
    assert "integer" in out and "Percentage of traffic" in out, out


# ---- the generator -------------------------------------------------------------------------

def run_generator(*args):
    return subprocess.run([sys.executable, GENERATOR, *args], capture_output=True, text=True, timeout=60)


def test_generator_check_passes_on_committed_files():
    res = run_generator("--check")
    assert res.returncode == 0, res.stderr


def test_generator_check_names_a_stale_file():
    with tempfile.TemporaryDirectory() as d:
        assert run_generator("--out", d).returncode == 0
        assert sorted(os.listdir(d)) == sorted(f"{p}.yaml" for p in PLURALS)
        assert run_generator("--check", "--out", d).returncode == 0
        with open(os.path.join(d, "analysisruns.yaml"), "a", encoding="utf-8") as f:
            f.write("# edited by hand\n")
        res = run_generator("--check", "--out", d)
        assert res.returncode == 1
        assert "analysisruns.yaml" in res.stderr and "rollouts.yaml" not in res.stderr, res.stderr


def test_generator_group_is_a_parameter():
    with tempfile.TemporaryDirectory() as d:
        assert run_generator("--group", "example.com", "--out", d).returncode == 0
        text = open(os.path.join(d, "rollouts.yaml"), encoding="utf-8").read()
        assert "name: rollouts.example.com" in text and "group: example.com" in text
        assert "serin.io" not in "".join(open(os.path.join(d, f"{p}.yaml"), encoding="utf-8").read()
                                         for p in PLURALS)
        helm = "{{ .Values.apiGroup }}"
        assert run_generator("--group", helm, "--out", d).returncode == 0
        assert f"group: \"{helm}\"" in open(os.path.join(d, "rollouts.yaml"), encoding="utf-8").read()
    res = run_generator("--group", "Not A Group", "--check")
    assert res.returncode != 0 and "--group" in res.stderr


def test_crds_for_another_group_are_valid(env):
    """The same generator with another --group makes CRDs the API server accepts, differing
    from the committed ones only in the group. (A server-side dry run: really installing a
    second group that defines "rollouts" would make plain `kubectl get rollouts` ambiguous for
    every later test, and kubectl's discovery cache would remember it after deletion.)"""
    group = "rollouts-e2e.example.com"
    with tempfile.TemporaryDirectory() as d:
        res = run_generator("--group", group, "--out", d)
        assert res.returncode == 0, res.stderr
        res = env.kubectl("apply", "--server-side", "--dry-run=server", "-f", d)
        assert res.stdout.count("serverside-applied (server dry run)") == len(PLURALS), res.stdout
        for p in PLURALS:
            with open(os.path.join(d, f"{p}.yaml"), encoding="utf-8") as f:
                other = f.read()
            with open(os.path.join(CRD_DIR, f"{p}.yaml"), encoding="utf-8") as f:
                ours = f.read()
            assert f"name: {p}.{group}\n" in other and f"group: {group}\n" in other
            assert other.replace(group, GROUP) == ours, p
