"""kubectl on serin's resources: printer columns, the status and scale subresources, short
names and `kubectl explain`.
"""
import json

import pytest

from crd_samples import (GROUP, analysis_run, analysis_template, base_bluegreen, base_canary, get_json,
                         install_crds, qualified)
from helpers import apply, unique_namespace


@pytest.fixture(scope="module")
def ns(env):
    install_crds(env)
    return unique_namespace(env, "crds")


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
