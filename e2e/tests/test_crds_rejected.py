"""serin's CRDs reject invalid manifests, and the Argo features serin does not implement,
with the offending field named in kubectl's error; nothing rejected is stored.
"""
import copy
import json

import pytest

from crd_samples import (analysis_run, analysis_template, apply_one, base_bluegreen, base_canary, exists,
                         get_json, install_crds, prometheus_metric, qualified)
from helpers import apply, unique_namespace

DELETE = object()  # marks a field to remove in a mutation


@pytest.fixture(scope="module")
def ns(env):
    install_crds(env)
    return unique_namespace(env, "crds")


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
    ("arg-podTemplateHashValue-unknown", base_canary,
     {f"{C}.steps[2].analysis.args": [{"name": "hash", "valueFrom": {"podTemplateHashValue": "Newest"}}]},
     [f"{C}.steps[2].analysis.args[0].valueFrom.podTemplateHashValue", "Unsupported value"]),
    ("arg-secret-on-rollout", base_canary,
     {f"{C}.steps[2].analysis.args": [{"name": "t", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]},
     [f"{C}.steps[2].analysis.args[0].valueFrom.secretKeyRef", "belongs in the AnalysisTemplate's args"]),
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
