"""The Helm chart (charts/serin): its CRDs are the generator's, it installs on the local
control plane, and serin-controller runs a canary under exactly the RBAC it grants.

The chart's Deployment cannot run a real image here (KWOK's pods are fake), so each install
test reads the installed Deployment back from the API server and runs the built binary with
that container's arguments and the chart's ServiceAccount token: a flag the binary does not
know, or a permission the chart forgot, fails the test.
"""
import json
import os
import subprocess

import pytest

import helpers
import rollouts
from controller import Controller
from helpers import unique_namespace, wait_for

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHART = os.path.join(REPO, "charts", "serin")
KUBE_VERSION = "1.36.3"


def helm(env, *args, check=True):
    res = subprocess.run([env.tools["helm"], "--kubeconfig", env.kubeconfig, *args],
                         capture_output=True, text=True, timeout=120)
    if check:
        assert res.returncode == 0, f"helm {' '.join(args)}: {res.stderr.strip()}"
    return res


@pytest.fixture(autouse=True)
def need_helm(env):
    if not os.path.exists(env.tools["helm"]):
        pytest.fail(f"helm is not built ({env.tools['helm']}); run `make deps`")


def test_chart_crds_are_the_generated_ones(env):
    """`helm template` with the default group gives crds/*.yaml byte for byte (but for the
    generator's comment): the chart cannot drift from the API."""
    for name in ("rollouts", "analysistemplates", "clusteranalysistemplates", "analysisruns"):
        out = helm(env, "template", "r", CHART, "--kube-version", KUBE_VERSION, "--set", "crds.keep=false",
                   "--show-only", f"templates/crds/{name}.yaml").stdout
        rendered = [ln for ln in out.splitlines() if ln != "---" and not ln.startswith("# ")]
        with open(os.path.join(REPO, "crds", f"{name}.yaml"), encoding="utf-8") as f:
            committed = [ln for ln in f.read().splitlines() if not ln.startswith("# ")]
        assert rendered == committed, f"charts/serin CRD {name} differs from crds/{name}.yaml"


def test_chart_refuses_several_replicas_without_leader_election(env):
    res = helm(env, "template", "r", CHART, "--kube-version", KUBE_VERSION, "--set", "replicas=2",
               "--set", "leaderElection.enabled=false", check=False)
    assert res.returncode != 0
    assert "leaderElection.enabled" in res.stderr


def install(env, release, ns, group, *sets):
    helm(env, "install", release, CHART, "-n", ns, "--wait=false", "--set", f"apiGroup={group}",
         "--set", "crds.keep=false", *[a for s in sets for a in ("--set", s)])
    for plural in ("rollouts", "analysistemplates", "clusteranalysistemplates", "analysisruns"):
        env.kubectl("wait", "--for=condition=Established", f"crd/{plural}.{group}", "--timeout=60s")


def token_kubeconfig(env, ns, service_account, path):
    token = env.kubectl("create", "token", service_account, "-n", ns, "--duration=1h").stdout.strip()
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": "sa",
        "clusters": [{"name": "local", "cluster": {"server": env.server,
                                                   "certificate-authority": env.path("pki", "ca.crt")}}],
        "users": [{"name": "sa", "user": {"token": token}}],
        "contexts": [{"name": "sa", "context": {"cluster": "local", "user": "sa"}}],
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(config, f)
    return path


def deployment_args(env, ns, name):
    dep = json.loads(env.kubectl("get", "deployment", name, "-n", ns, "-o", "json").stdout)
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    # The chart's listen addresses are ":port" on every interface; here they become free
    # loopback ports (the Controller helper's). Everything else is run as installed.
    return [a for a in container["args"] if not a.startswith(("--metrics-address=", "--health-address="))]


def can_i(env, sa, verb, resource, ns, subresource=None):
    extra = [f"--subresource={subresource}"] if subresource else []
    res = env.kubectl("auth", "can-i", verb, resource, "-n", ns, f"--as=system:serviceaccount:{sa}", *extra,
                      check=False)
    return res.stdout.strip() == "yes"


def canary_under_chart_rbac(env, ns, group, args, kubeconfig, app_ns):
    """v1 then v2 of a Rollout in `group`, through the Istio route, with the chart's args."""
    ro = rollouts.rollout(name="web", replicas=3, steps=[{"setWeight": 50}, {"pause": {"duration": "1s"}}])
    ro["apiVersion"] = f"{group}/v1alpha1"
    res = helpers.apply(env, app_ns, *rollouts.services_and_route("web"), ro)
    assert res.returncode == 0, res.stderr
    resource = f"rollouts.v1alpha1.{group}"

    def status():
        out = env.kubectl("get", resource, "web", "-n", app_ns, "-o", "json").stdout
        return json.loads(out).get("status", {})

    def promoted_from(old):
        st = status()
        return st.get("phase") == "Healthy" and st.get("stableRS") not in (None, "", old) and \
            st.get("stableRS") == st.get("currentPodHash")

    ctl = Controller(env, name=f"chart-{ns}", kubeconfig=kubeconfig, args=args,
                     extra_args=["--leader-election-lease-duration=4s", "--leader-election-renew-deadline=3s",
                                 "--leader-election-retry-period=1s"])
    with ctl:
        wait_for(lambda: promoted_from(None), 60, what=f"v1 Healthy; controller log: {ctl.tail()}")
        v1 = status()["stableRS"]
        env.kubectl("patch", resource, "web", "-n", app_ns, "--type=json", "-p", json.dumps(
            [{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "web:v2"}]))
        wait_for(lambda: promoted_from(v1), 60, what=f"v2 promoted; controller log: {ctl.tail()}")
        vs = env.client().get("virtualservices", app_ns, "web")
        weights = {d["destination"]["host"]: d.get("weight", 0) for d in vs["spec"]["http"][0]["route"]}
        assert weights == {"web-stable": 100, "web-canary": 0}, weights
        if "--leader-elect=true" in args:
            lease_ns = next(a.split("=", 1)[1] for a in args if a.startswith("--leader-election-namespace="))
            lease_name = next(a.split("=", 1)[1] for a in args if a.startswith("--leader-election-name="))
            lease = json.loads(env.kubectl("get", "lease", lease_name, "-n", lease_ns, "-o", "json").stdout)
            assert lease["spec"].get("holderIdentity"), lease
        assert "permission" not in ctl.tail(200).lower() and "forbidden" not in ctl.tail(200).lower(), ctl.tail(40)
        assert ctl.stop() == 0


def test_cluster_wide_install_runs_a_canary_with_the_charts_rbac(env):
    ns = unique_namespace(env, "chart")
    app_ns = unique_namespace(env, "chart-app")
    group = f"{ns}.example.com"
    try:
        install(env, "serin", ns, group)
        sa = f"{ns}:serin"
        assert can_i(env, sa, "patch", "virtualservices.networking.istio.io", app_ns)
        assert can_i(env, sa, "create", "replicasets.apps", app_ns)
        assert can_i(env, sa, "update", f"rollouts.{group}", app_ns, "status")
        assert not can_i(env, sa, "update", f"rollouts.{group}", app_ns)  # spec belongs to the user
        assert not can_i(env, sa, "delete", "services", app_ns)
        assert not can_i(env, sa, "create", "deployments.apps", app_ns)
        assert not can_i(env, sa, "update", "leases.coordination.k8s.io/someone-else", ns)
        args = deployment_args(env, ns, "serin")
        assert f"--api-group={group}" in args and "--leader-elect=true" in args, args
        kubeconfig = token_kubeconfig(env, ns, "serin", env.path(f"{ns}.kubeconfig"))
        canary_under_chart_rbac(env, ns, group, args, kubeconfig, app_ns)
    finally:
        helm(env, "uninstall", "serin", "-n", ns, check=False)
        env.client().delete("namespaces", None, app_ns)
        env.client().delete("namespaces", None, ns)


def test_namespaced_install_sees_only_its_namespace(env):
    ns = unique_namespace(env, "chartns")
    other = unique_namespace(env, "chartns-other")
    group = f"{ns}.example.com"
    try:
        install(env, "serin", ns, group, "namespaced=true")
        sa = f"{ns}:serin"
        assert can_i(env, sa, "patch", "virtualservices.networking.istio.io", ns)
        assert not can_i(env, sa, "patch", "virtualservices.networking.istio.io", other)
        assert not can_i(env, sa, "list", "replicasets.apps", other)
        assert can_i(env, sa, "list", f"clusteranalysistemplates.{group}", "")
        args = deployment_args(env, ns, "serin")
        assert f"--namespace={ns}" in args, args
        kubeconfig = token_kubeconfig(env, ns, "serin", env.path(f"{ns}.kubeconfig"))
        canary_under_chart_rbac(env, ns, group, args, kubeconfig, ns)
    finally:
        helm(env, "uninstall", "serin", "-n", ns, check=False)
        env.client().delete("namespaces", None, other)
        env.client().delete("namespaces", None, ns)


def test_uninstall_removes_the_crds_unless_kept(env):
    """crds.keep (the default) leaves the CRDs, and every Rollout with them, after uninstall."""
    ns = unique_namespace(env, "chartkeep")
    group = f"{ns}.example.com"
    try:
        helm(env, "install", "serin", CHART, "-n", ns, "--set", f"apiGroup={group}")
        helm(env, "uninstall", "serin", "-n", ns)
        assert env.kubectl("get", "crd", f"rollouts.{group}", check=False).returncode == 0
    finally:
        for plural in ("rollouts", "analysistemplates", "clusteranalysistemplates", "analysisruns"):
            env.kubectl("delete", "crd", f"{plural}.{group}", "--ignore-not-found", check=False)
        env.client().delete("namespaces", None, ns)

