"""Invalid Rollouts: each is rejected by the CRD schema or marked InvalidSpec with the field
path, and the controller keeps serving the valid Rollout next to them."""
import json

import pytest

import rollouts
from controller import Controller
from helpers import apply, unique_namespace, wait_for


def base(name):
    r = rollouts.rollout(name=name, steps=[{"setWeight": 50}, {"pause": {}}])
    r["spec"]["strategy"]["canary"]["canaryService"] = "good-canary"
    r["spec"]["strategy"]["canary"]["stableService"] = "good-stable"
    r["spec"]["strategy"]["canary"]["trafficRouting"]["istio"]["virtualService"]["name"] = "good"
    return r


def canary(r):
    return r["spec"]["strategy"]["canary"]


def seed_004(name):
    """The Rollout of seed 004 as written (apiVersion changed): no canary or stable Service."""
    return {"apiVersion": "serin.io/v1alpha1", "kind": "Rollout", "metadata": {"name": name},
            "spec": {"replicas": 10, "selector": {"matchLabels": {"app": "production-app"}},
                     "template": {"metadata": {"labels": {"app": "production-app"}},
                                  "spec": {"containers": [{"name": "app", "image": "app:latest",
                                                           "ports": [{"containerPort": 8080}]}]}},
                     "strategy": {"canary": {
                         "steps": [{"setWeight": 10}, {"pause": {"duration": "5m"}}, {"setWeight": 30},
                                   {"pause": {"duration": "5m"}}, {"setWeight": 50},
                                   {"pause": {"duration": "10m"}}, {"setWeight": 100}],
                         "analysis": {"templates": [{"templateName": "success-rate"}], "startingStep": 1,
                                      "args": [{"name": "service-name", "value": "production-app"}]},
                         "trafficRouting": {"istio": {"virtualService": {"name": "app-vsvc",
                                                                         "routes": ["primary"]}}}}}}}


def mutate(fn):
    def make(name):
        r = base(name)
        fn(r)
        return r
    return make


# (name, manifest maker, where it is refused, text the error must contain)
CASES = [
    ("weight-150", mutate(lambda r: canary(r)["steps"][0].update(setWeight=150)), "schema", "setWeight"),
    ("weight-negative", mutate(lambda r: canary(r)["steps"][0].update(setWeight=-5)), "schema", "setWeight"),
    ("replicas-negative", mutate(lambda r: r["spec"].update(replicas=-1)), "schema", "spec.replicas"),
    ("bad-duration", mutate(lambda r: canary(r)["steps"][1].update(pause={"duration": "5x"})), "schema", "duration"),
    ("two-strategies", mutate(lambda r: r["spec"]["strategy"].update(blueGreen={"activeService": "a"})), "schema",
     "strategy"),
    ("no-strategy", mutate(lambda r: r["spec"].update(strategy={})), "schema", "strategy"),
    ("experiment-step", mutate(lambda r: canary(r)["steps"].append({"experiment": {"templates": []}})), "schema",
     "experiment"),
    ("header-route", mutate(lambda r: canary(r)["steps"].append({"setHeaderRoute": {"name": "x"}})), "schema",
     "setHeaderRoute"),
    ("nginx", mutate(lambda r: canary(r)["trafficRouting"].update(nginx={"stableIngress": "x"})), "schema", "nginx"),
    ("workload-ref", mutate(lambda r: r["spec"].update(workloadRef={"kind": "Deployment", "name": "x"})), "schema",
     "workloadRef"),
    ("typo", mutate(lambda r: canary(r)["steps"].append({"setWieght": 20})), "schema", "setWieght"),
    ("steps-not-list", mutate(lambda r: canary(r).update(steps={"setWeight": 10})), "schema", "steps"),
    ("vs-and-vss", mutate(lambda r: canary(r)["trafficRouting"]["istio"].update(
        virtualServices=[{"name": "x"}])), "schema", "virtualService"),
    ("same-services", mutate(lambda r: canary(r).update(stableService="good-canary")), "schema", "Service"),
    ("scale-two-fields", mutate(lambda r: canary(r)["steps"].append({"setCanaryScale": {"weight": 10, "replicas": 1}})),
     "schema", "setCanaryScale"),
    ("deadline-below-ready", mutate(lambda r: r["spec"].update(minReadySeconds=30, progressDeadlineSeconds=10)),
     "schema", "progressDeadlineSeconds"),
    ("selector-mismatch", mutate(lambda r: r["spec"]["selector"]["matchLabels"].update(app="other")), "schema",
     "selector"),
    # Accepted by the schema; the controller marks them InvalidSpec with the path.
    ("seed-004-as-written", seed_004, "controller", "spec.strategy.canary.canaryService"),
    ("missing-service", mutate(lambda r: canary(r).update(canaryService="nope-canary")), "controller",
     "Service \"nope-canary\" not found"),
    ("missing-route", mutate(lambda r: canary(r)["trafficRouting"]["istio"]["virtualService"].update(routes=["nope"])),
     "controller", "HTTP route \"nope\" not found"),
    ("missing-virtualservice", mutate(lambda r: canary(r)["trafficRouting"]["istio"]["virtualService"].update(
        name="nope")), "controller", "VirtualService"),
    ("blue-green", mutate(lambda r: r["spec"].update(strategy={"blueGreen": {"activeService": "good-stable"}})),
     "controller", "spec.strategy.blueGreen"),
    ("dynamic-stable-scale", mutate(lambda r: canary(r).update(dynamicStableScale=True)), "controller",
     "dynamicStableScale"),
    ("canary-metadata", mutate(lambda r: canary(r).update(canaryMetadata={"labels": {"role": "canary"}})),
     "controller", "canaryMetadata"),
    ("starting-step-beyond", mutate(lambda r: canary(r).update(analysis={
        "templates": [{"templateName": "t"}], "startingStep": 9})), "controller", "startingStep"),
]


@pytest.fixture(scope="module")
def cluster(env):
    ns = unique_namespace(env, "invalid")
    objs = rollouts.services_and_route("good")
    assert apply(env, ns, *objs).returncode == 0
    ctl = Controller(env, ns).start()
    good = rollouts.rollout(name="good", vs="good", steps=[{"setWeight": 50}, {"pause": {"duration": "1s"}}])
    assert apply(env, ns, good).returncode == 0
    yield ns
    ctl.stop()
    env.client().delete("namespaces", None, ns)


@pytest.mark.parametrize("name,make,where,text", CASES, ids=[c[0] for c in CASES])
def test_invalid_rollout(env, cluster, name, make, where, text):
    ns = cluster
    manifest = make(name)
    res = env.kubectl("apply", "-n", ns, "-f", "-", input=json.dumps(manifest), check=False)
    if where == "schema":
        assert res.returncode != 0, f"{name} was accepted"
        assert text in res.stderr, res.stderr
        return
    assert res.returncode == 0, res.stderr

    def invalid_condition():
        st = env.client().get("rollouts", ns, name).get("status", {})
        return next((c for c in st.get("conditions", []) if c["type"] == "InvalidSpec"), None)

    cond = wait_for(invalid_condition, 20, what=f"InvalidSpec on {name}")
    assert text in cond["message"], cond["message"]
    st = env.client().get("rollouts", ns, name)["status"]
    assert st["phase"] == "Degraded" and st["message"].startswith("InvalidSpec: ")


def test_valid_rollout_keeps_being_served(env, cluster):
    ns = cluster
    wait_for(lambda: env.client().get("rollouts", ns, "good").get("status", {}).get("phase") == "Healthy", 30,
             what="the valid rollout Healthy")
    rollouts.set_image(env, ns, "web:v2", name="good")
    wait_for(lambda: (lambda st: st.get("phase") == "Healthy" and st.get("stableRS") == st.get("currentPodHash"))(
        env.client().get("rollouts", ns, "good")["status"]) and
        env.client().get("rollouts", ns, "good")["status"].get("currentStepIndex") == 2, 40,
        what="the valid rollout promoted despite its invalid neighbours")
