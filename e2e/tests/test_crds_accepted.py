"""serin's CRDs accept Argo-shaped manifests and store them without losing a field: a real
user's Argo Rollouts manifests with only apiVersion changed, manifests using every field
serin supports, and the examples in crds/examples/.
"""
import os

import pytest

from crd_samples import (EXAMPLES_DIR, GROUP, SEED_004, analysis_run, apply_text, base_bluegreen, base_canary,
                         basic_canary, full_analysis_run, full_analysis_template, full_bluegreen, full_canary,
                         get_json, install_crds, qualified, subset_canary)
from helpers import apply, unique_namespace


@pytest.fixture(scope="module")
def ns(env):
    install_crds(env)
    return unique_namespace(env, "crds")


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
