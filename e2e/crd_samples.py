"""Shared by the tests of serin's CRDs (e2e/tests/test_crds_*.py): the install as a user
does it, small kubectl helpers, and sample manifests - Argo-shaped ones using every field
serin supports, and seed 004, a real user's Argo Rollouts manifests.
"""
import json
import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRD_DIR = os.path.join(REPO, "crds")
EXAMPLES_DIR = os.path.join(CRD_DIR, "examples")
GENERATOR = os.path.join(CRD_DIR, "generate.py")
GROUP = "serin.io"
API = f"{GROUP}/v1alpha1"
PLURALS = ["rollouts", "analysistemplates", "clusteranalysistemplates", "analysisruns"]


def install_crds(env):
    """`kubectl apply --server-side -f crds/`, as a user installs the CRDs. The environment
    installed the same files at start, one by one; this applies the directory, as a user
    would, and with SERIN_E2E_REUSE it replaces whatever older CRDs a long-running
    environment still serves with the committed ones."""
    env.kubectl("apply", "--server-side", "--force-conflicts", "-f", CRD_DIR)
    env.wait_crds_established([f"{p}.{GROUP}" for p in PLURALS])


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
                              {"name": "canary-hash", "valueFrom": {"podTemplateHashValue": "Latest"}},
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
