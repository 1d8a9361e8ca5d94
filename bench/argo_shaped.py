"""The Argo-shaped objects bench/cache_memory.py creates: Rollouts (with a status as a
controller writes it), the ReplicaSets they own and their Services. Deterministic in the
index i, so every run measures the same bytes."""
import hashlib

GROUP = "serin.io"

TEAMS = ["payments", "checkout", "catalog", "search", "identity", "orders", "shipping",
         "pricing", "reviews", "inventory"]
PARTS = ["api", "worker", "gateway", "frontend", "indexer", "scheduler", "notifier", "ledger"]


def app_name(i):
    return f"{TEAMS[i % len(TEAMS)]}-{PARTS[(i // len(TEAMS)) % len(PARTS)]}-{i:04d}"


def pod_hash(app, revision):
    # Shaped like a pod-template hash (10 characters of [0-9a-z]); only its form matters here.
    digest = hashlib.sha256(f"{app}/{revision}".encode()).digest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:10])


def image(i, revision):
    team = TEAMS[i % len(TEAMS)]
    return f"registry.example.com/{team}/{app_name(i)}:1.{(i * 7 + revision) % 40}.{revision}"


def pod_template(i, revision, hash_label=None):
    app = app_name(i)
    labels = {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": TEAMS[i % len(TEAMS)],
              "app.kubernetes.io/version": f"1.{(i * 7 + revision) % 40}.{revision}"}
    if hash_label:
        labels["rollouts-pod-template-hash"] = hash_label
    return {
        "metadata": {
            "labels": labels,
            "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
        },
        "spec": {
            "serviceAccountName": app,
            "terminationGracePeriodSeconds": 30,
            "containers": [{
                "name": "app",
                "image": image(i, revision),
                "imagePullPolicy": "IfNotPresent",
                "args": ["--listen=:8080", "--metrics=:9090", f"--service-name={app}"],
                "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"},
                          {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}],
                "env": [
                    {"name": "LOG_LEVEL", "value": "info"},
                    {"name": "OTEL_EXPORTER_OTLP_ENDPOINT",
                     "value": "http://otel-collector.observability.svc:4317"},
                    {"name": "OTEL_SERVICE_NAME", "value": app},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "POD_NAMESPACE",
                     "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                    {"name": "GOMAXPROCS",
                     "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
                ],
                "resources": {"requests": {"cpu": f"{100 + 50 * (i % 4)}m", "memory": "256Mi"},
                              "limits": {"cpu": "1", "memory": "512Mi"}},
                "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"},
                                   "initialDelaySeconds": 5, "periodSeconds": 5},
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"},
                                  "initialDelaySeconds": 15, "periodSeconds": 10,
                                  "failureThreshold": 3},
                "securityContext": {"runAsNonRoot": True, "readOnlyRootFilesystem": True,
                                    "allowPrivilegeEscalation": False},
            }],
        },
    }


def rollout(i):
    app = app_name(i)
    analysis_args = [{"name": "service-name", "value": f"{app}-canary"}]
    return {
        "apiVersion": f"{GROUP}/v1alpha1", "kind": "Rollout",
        "metadata": {"name": app, "labels": {"app.kubernetes.io/name": app,
                                             "app.kubernetes.io/part-of": TEAMS[i % len(TEAMS)]}},
        "spec": {
            "replicas": 3 + i % 5,
            "revisionHistoryLimit": 3,
            "progressDeadlineSeconds": 600,
            "selector": {"matchLabels": {"app.kubernetes.io/name": app}},
            "template": pod_template(i, 2),
            "strategy": {"canary": {
                "canaryService": f"{app}-canary",
                "stableService": f"{app}-stable",
                "maxSurge": "25%",
                "maxUnavailable": 0,
                "trafficRouting": {"istio": {"virtualService": {"name": app,
                                                                "routes": ["primary"]}}},
                "analysis": {"templates": [{"templateName": "success-rate"}], "startingStep": 2,
                             "args": analysis_args},
                "steps": [
                    {"setWeight": 10},
                    {"pause": {"duration": "2m"}},
                    {"setWeight": 25},
                    {"analysis": {"templates": [{"templateName": "success-rate"}],
                                  "args": analysis_args}},
                    {"setWeight": 50},
                    {"pause": {"duration": "5m"}},
                    {"setWeight": 75},
                    {"pause": {}},
                ],
            }},
        },
    }


def rollout_status(i, stable_hash, now):
    app = app_name(i)
    replicas = 3 + i % 5

    def cond(type_, reason, message, status="True"):
        return {"type": type_, "status": status, "reason": reason, "message": message,
                "lastTransitionTime": now, "lastUpdateTime": now}

    return {"status": {
        "phase": "Healthy",
        "observedGeneration": "1",
        "currentPodHash": stable_hash,
        "stableRS": stable_hash,
        "currentStepHash": pod_hash(app, "steps"),
        "currentStepIndex": 8,
        "replicas": replicas, "updatedReplicas": replicas, "readyReplicas": replicas,
        "availableReplicas": replicas, "HPAReplicas": replicas,
        "selector": f"app.kubernetes.io/name={app}",
        "canary": {"weights": {
            "canary": {"weight": 0, "serviceName": f"{app}-canary", "podTemplateHash": stable_hash},
            "stable": {"weight": 100, "serviceName": f"{app}-stable",
                       "podTemplateHash": stable_hash}}},
        "conditions": [
            cond("Available", "AvailableReason", "Rollout has minimum availability"),
            cond("Completed", "RolloutCompleted", "Rollout completed update to revision 2 "
                 f"({stable_hash}): Rollout is Healthy"),
            cond("Progressing", "NewReplicaSetAvailable",
                 f'ReplicaSet "{app}-{stable_hash}" has successfully progressed.'),
            cond("Healthy", "RolloutHealthy", "Rollout is healthy"),
        ],
    }}


def replica_set(i, revision, owner_uid):
    app = app_name(i)
    h = pod_hash(app, revision)
    labels = {"app.kubernetes.io/name": app, "rollouts-pod-template-hash": h}
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {
            "name": f"{app}-{h}",
            "labels": labels,
            "annotations": {f"rollout.{GROUP}/revision": str(revision),
                            f"rollout.{GROUP}/desired-replicas": str(3 + i % 5)},
            "ownerReferences": [{"apiVersion": f"{GROUP}/v1alpha1", "kind": "Rollout",
                                 "name": app, "uid": owner_uid, "controller": True,
                                 "blockOwnerDeletion": True}],
        },
        # replicas 0: the ReplicaSet controller makes no pods, yet keeps the status current.
        "spec": {"replicas": 0, "minReadySeconds": 0, "selector": {"matchLabels": labels},
                 "template": pod_template(i, revision, h)},
    }


def service(i, role):
    app = app_name(i)
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": f"{app}-{role}", "labels": {"app.kubernetes.io/name": app},
                     "annotations": {f"rollouts.{GROUP}/managed-by-rollouts": app}},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app.kubernetes.io/name": app,
                         "rollouts-pod-template-hash": pod_hash(app, 2)},
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
        },
    }


# ---- creating them fast ----------------------------------------------------------------------
