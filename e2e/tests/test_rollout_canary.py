"""The canary on a real control plane: each scenario records every committed change of the
Rollout, its ReplicaSets, Services and VirtualService (in resourceVersion order) and checks
the sequence, not only the end state."""
import time

import pytest

import helpers
import rollouts
from controller import Controller
from helpers import apply, unique_namespace, wait_for
from timeline import Timeline

FAILURE_LABEL = "pod-container-running-failed.stage.kwok.x-k8s.io"


class Setup:
    def __init__(self, env, prefix, **rollout_args):
        self.env = env
        self.ns = unique_namespace(env, prefix)
        self.timeline = Timeline(env, self.ns)
        res = apply(env, self.ns, *rollouts.services_and_route())
        assert res.returncode == 0, res.stderr
        self.controller = Controller(env, self.ns)
        self.controller.start()
        self.manifest = rollouts.rollout(**rollout_args)
        res = apply(env, self.ns, self.manifest)
        assert res.returncode == 0, res.stderr
        self.wait_status(lambda st: st.get("phase") == "Healthy", 30, "first version Healthy")
        self.v1 = rollouts.template_hash_of(env, self.ns)

    def status(self):
        return rollouts.get(self.env, self.ns).get("status", {})

    def wait_status(self, pred, timeout, what):
        return wait_for(lambda: pred(self.status()), timeout, what=f"{what} (status {self.status()})")

    def update(self, image):
        rollouts.set_image(self.env, self.ns, image)
        wait_for(lambda: self.status().get("currentPodHash") not in ("", self.v1), 10, what="new hash")
        return self.status()["currentPodHash"]

    def close(self):
        # Also after a failed __init__: stop whatever was started.
        if getattr(self, "controller", None) is not None:
            self.controller.stop()
        if getattr(self, "timeline", None) is not None:
            self.timeline.stop()
        # Crash-looping pods of a test must not keep the cluster busy for the next ones.
        if getattr(self, "ns", None):
            self.env.client().delete("namespaces", None, self.ns)


@pytest.fixture
def setup(env):
    made = []

    def make(prefix, **kw):
        s = Setup.__new__(Setup)
        made.append(s)
        s.__init__(env, prefix, **kw)
        return s

    yield make
    for s in made:
        s.close()


SEED_STEPS = [{"setWeight": 10}, {"pause": {"duration": "2s"}}, {"setWeight": 30},
              {"pause": {"duration": "2s"}}, {"setWeight": 50}, {"pause": {"duration": "2s"}},
              {"setWeight": 100}]


def test_happy_path_through_the_seed_steps(setup):
    """Seed 004's steps (10 → 30 → 50 → 100, pauses shortened to 2 s), 10 replicas."""
    s = setup("happy", replicas=10, steps=SEED_STEPS)
    v2 = s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Healthy" and st.get("stableRS") == v2, 60, "v2 promoted")
    tl = s.timeline
    assert tl.canary_weights() == [0, 10, 30, 50, 100, 0], tl.canary_weights()
    assert tl.weight_violations() == []
    # Promotion: the stable Service moved to v2 only once all 10 v2 pods were available.
    moved = [st for st in tl.states() if st.changed == ("services", "web-stable") and st.selector_hash("web-stable") == v2]
    assert moved and moved[0].available(v2) >= 10
    # The old version goes after scaleDownDelaySeconds (2 s).
    wait_for(lambda: tl.latest().spec_replicas(s.v1) == 0, 15, what="v1 scaled down")
    assert tl.latest().selector_hash("web-canary") == v2


def test_manual_pause_then_promote(setup):
    s = setup("pause", steps=[{"setWeight": 25}, {"pause": {}}, {"setWeight": 75}])
    s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Paused" and st.get("currentStepIndex") == 1, 30, "paused")
    time.sleep(2)
    assert s.status().get("currentStepIndex") == 1  # it waits
    assert s.timeline.latest().route_weights()["web-canary"] == 25
    rollouts.promote(s.env, s.ns)
    s.wait_status(lambda st: st.get("phase") == "Healthy", 30, "promoted")
    assert s.timeline.canary_weights() == [0, 25, 75, 0]
    assert s.timeline.weight_violations() == []


def test_promote_full_skips_remaining_steps(setup):
    s = setup("full", steps=[{"setWeight": 20}, {"pause": {}}, {"setWeight": 40}, {"pause": {}}])
    v2 = s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Paused", 30, "paused at step 1")
    rollouts.promote(s.env, s.ns, full=True)
    s.wait_status(lambda st: st.get("phase") == "Healthy" and st.get("stableRS") == v2, 30, "fully promoted")
    assert 40 not in s.timeline.canary_weights()  # the remaining setWeight was skipped
    assert s.timeline.weight_violations() == []


def test_abort_restores_routing_before_scale_down_then_retry(setup):
    s = setup("abort", steps=[{"setWeight": 50}, {"pause": {}}])
    v2 = s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Paused", 30, "paused at 50")
    rollouts.abort(s.env, s.ns)
    s.wait_status(lambda st: st.get("phase") == "Degraded", 15, "aborted")
    assert s.status()["message"].startswith("RolloutAborted")
    wait_for(lambda: s.timeline.latest().spec_replicas(v2) == 0, 20, what="canary scaled down")
    downs = s.timeline.canary_scale_downs(v2)
    assert downs, "the canary was never scaled down"
    first = downs[0]
    assert first.route_weights()["web-canary"] == 0, "canary scaled down while it still had weight"
    assert first.selector_hash("web-canary") == s.v1, "canary Service still on the canary pods"
    # Retry: the steps run again from the start.
    rollouts.retry(s.env, s.ns)
    s.wait_status(lambda st: st.get("phase") == "Paused" and st.get("currentStepIndex") == 1, 30, "retried")
    assert s.timeline.canary_weights() == [0, 50, 0, 50]
    assert s.timeline.weight_violations() == []


def test_undo_restores_the_previous_template(setup):
    s = setup("undo", steps=[{"setWeight": 50}, {"pause": {}}])
    v2 = s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Paused", 30, "paused")
    rollouts.undo(s.env, s.ns)
    s.wait_status(lambda st: st.get("phase") == "Healthy" and st.get("currentPodHash") == s.v1, 30, "undone")
    assert s.status()["stableRS"] == s.v1
    wait_for(lambda: s.timeline.latest().spec_replicas(v2) == 0, 15, what="v2 scaled down")
    assert s.timeline.latest().route_weights()["web-canary"] == 0
    assert s.timeline.weight_violations() == []


@pytest.mark.parametrize("abort", [False, True])
def test_progress_deadline_with_a_canary_that_never_becomes_ready(setup, abort):
    s = setup("deadline" + ("-abort" if abort else ""), steps=[{"setWeight": 50}, {"pause": {}}],
              spec_extra={"progressDeadlineSeconds": 5, "progressDeadlineAbort": abort})
    # The new version's pods are labelled for KWOK's failure stage: they never get Ready.
    ro = rollouts.get(s.env, s.ns)
    tmpl = ro["spec"]["template"]
    tmpl["metadata"]["labels"][FAILURE_LABEL] = "true"
    tmpl["spec"]["containers"][0]["image"] = "web:broken"
    s.env.client().merge_patch("rollouts", s.ns, "web", {"spec": {"template": tmpl}})
    if abort:
        s.wait_status(lambda st: st.get("abort") is True and st.get("phase") == "Degraded", 30, "aborted")
        assert "timed out progressing" in s.status()["message"]
    else:
        s.wait_status(lambda st: st.get("phase") == "Degraded" and
                      st.get("message", "").startswith("ProgressDeadlineExceeded"), 30, "deadline exceeded")
        assert not s.status().get("abort")
    assert s.timeline.canary_weights() == [0]  # no traffic ever went to the broken pods
    conds = {c["type"]: c for c in s.status()["conditions"]}
    assert conds["Progressing"]["status"] == "False"


def test_drift_correction_restores_weights_within_a_second(setup):
    s = setup("drift", steps=[{"setWeight": 30}, {"pause": {}}])
    s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Paused", 30, "paused at 30")
    vs = s.env.client().get("virtualservices", s.ns, "web")
    vs["spec"]["http"][0]["route"][0]["weight"] = 0
    vs["spec"]["http"][0]["route"][1]["weight"] = 100
    edited = time.monotonic()
    s.env.client().replace("virtualservices", s.ns, "web", vs)
    wait_for(lambda: s.env.client().get("virtualservices", s.ns, "web")["spec"]["http"][0]["route"][1]["weight"] == 30,
             5, interval=0.02, what="weights restored")
    took = time.monotonic() - edited
    print(f"drift restored in {took:.3f}s")
    assert took < 1.0, took


def test_scale_changes_mid_rollout(setup, env):
    s = setup("scale", replicas=4, steps=[{"setWeight": 50}, {"pause": {}}])
    v2 = s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Paused", 30, "paused")
    res = env.kubectl("scale", "rollout", "web", "-n", s.ns, "--replicas=8", check=False)
    assert res.returncode == 0, res.stderr
    wait_for(lambda: s.timeline.latest().spec_replicas(v2) == 4 and s.timeline.latest().spec_replicas(s.v1) == 8,
             20, what="both ReplicaSets follow the new scale")
    s.wait_status(lambda st: st.get("HPAReplicas") == 12 and st.get("selector") == "app=web", 20, "scale status")
    assert s.timeline.weight_violations() == []


def test_rollback_window_skips_steps(setup):
    s = setup("window", steps=[{"setWeight": 50}, {"pause": {}}], spec_extra={"rollbackWindow": {"revisions": 2}})
    v2 = s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Paused", 30, "paused")
    rollouts.promote(s.env, s.ns)
    s.wait_status(lambda st: st.get("phase") == "Healthy" and st.get("stableRS") == v2, 30, "v2 promoted")
    rollouts.undo(s.env, s.ns)  # back to v1, within the window
    s.wait_status(lambda st: st.get("phase") == "Healthy" and st.get("stableRS") == s.v1, 30, "rolled back")
    # No pause on the way back: never Paused after the undo.
    states = s.timeline.states()
    after = [st for st in states if st.status().get("currentPodHash") == s.v1 and st.rv > 0][-20:]
    assert all(st.status().get("phase") != "Paused" for st in after)


def test_subset_level_split(env):
    """One Service, one host: the VirtualService splits between DestinationRule subsets whose
    rollouts-pod-template-hash labels serin points at the stable and canary ReplicaSets."""
    ns = unique_namespace(env, "subset")
    timeline = Timeline(env, ns)
    vs = {"apiVersion": "networking.istio.io/v1alpha3", "kind": "VirtualService",
          "metadata": {"name": "web", "annotations": {"fixture.serin.io/rps": "50"}},
          "spec": {"hosts": ["web"], "http": [{"name": "primary", "route": [
              {"destination": {"host": "web", "subset": "stable"}, "weight": 100},
              {"destination": {"host": "web", "subset": "canary"}, "weight": 0}]}]}}
    dr = {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
          "metadata": {"name": "web"},
          "spec": {"host": "web", "subsets": [{"name": "stable", "labels": {}}, {"name": "canary", "labels": {}},
                                              {"name": "other", "labels": {"keep": "me"}}]}}
    ro = rollouts.rollout(steps=[{"setWeight": 30}, {"pause": {"duration": "1s"}}, {"setWeight": 60}])
    c = ro["spec"]["strategy"]["canary"]
    del c["canaryService"], c["stableService"]
    c["trafficRouting"]["istio"]["destinationRule"] = {"name": "web", "canarySubsetName": "canary",
                                                       "stableSubsetName": "stable"}
    try:
        assert apply(env, ns, helpers.service("web", {"app": "web"}), vs, dr).returncode == 0
        with Controller(env, ns):
            assert apply(env, ns, ro).returncode == 0
            wait_for(lambda: rollouts.get(env, ns).get("status", {}).get("phase") == "Healthy", 30, what="v1 Healthy")
            v1 = rollouts.template_hash_of(env, ns)
            latest = timeline.latest()
            assert latest.subset_hash("web", "stable") == v1 and latest.subset_hash("web", "canary") == v1
            rollouts.set_image(env, ns, "web:v2")
            wait_for(lambda: (lambda st: st.get("phase") == "Healthy" and st.get("stableRS") not in ("", v1))(
                rollouts.get(env, ns).get("status", {})), 60, what="v2 promoted")
            v2 = rollouts.get(env, ns)["status"]["stableRS"]
        weights = timeline.canary_weights(canary="web/canary")
        assert weights == [0, 30, 60, 0], weights
        assert timeline.weight_violations(canary="web", subset=("canary", "web")) == []
        # While canary weight flowed, the canary subset selected v2 and the stable one v1.
        during = [s for s in timeline.states() if s.changed == ("virtualservices", "web")
                  and s.route_weights().get("web/canary") == 30]
        assert during and during[0].subset_hash("web", "canary") == v2 and during[0].subset_hash("web", "stable") == v1
        end = timeline.latest()
        assert end.subset_hash("web", "stable") == v2 and end.subset_hash("web", "canary") == v2
        other = next(s for s in end.destinationrules["web"]["spec"]["subsets"] if s["name"] == "other")
        assert other["labels"] == {"keep": "me"}  # serin never drops a subset it does not own
    finally:
        timeline.stop()
        env.client().delete("namespaces", None, ns)


def test_basic_canary_without_traffic_routing(env):
    """No router: the weight is carried by pod counts, and the stable side shrinks only as
    far as canary pods have become available."""
    ns = unique_namespace(env, "basic")
    timeline = Timeline(env, ns)
    ro = rollouts.rollout(replicas=4, steps=[{"setWeight": 25}, {"setWeight": 50}, {"pause": {"duration": "1s"}}])
    c = ro["spec"]["strategy"]["canary"]
    for key in ("trafficRouting", "canaryService", "stableService", "scaleDownDelaySeconds",
                "abortScaleDownDelaySeconds"):
        del c[key]
    try:
        with Controller(env, ns):
            assert apply(env, ns, ro).returncode == 0
            wait_for(lambda: rollouts.get(env, ns).get("status", {}).get("phase") == "Healthy", 30, what="v1")
            v1 = rollouts.template_hash_of(env, ns)
            rollouts.set_image(env, ns, "web:v2")
            wait_for(lambda: (lambda st: st.get("phase") == "Healthy" and st.get("stableRS") not in ("", v1))(
                rollouts.get(env, ns).get("status", {})), 60, what="v2 promoted")
            v2 = rollouts.get(env, ns)["status"]["stableRS"]
            wait_for(lambda: timeline.latest().spec_replicas(v1) == 0, 20, what="v1 gone")
        sizes = []
        low = []
        for s in timeline.states():
            pair = (s.spec_replicas(v2), s.spec_replicas(v1))
            if s.changed[0] == "replicasets" and s.rs_by_hash(v2) and (not sizes or sizes[-1] != pair):
                sizes.append(pair)
            if s.rs_by_hash(v2) and s.rs_by_hash(v1) and s.available(v1) + s.available(v2) < 4:
                low.append((s.rv, s.available(v2), s.available(v1)))
        print("canary,stable sizes:", sizes)
        # The canary grows first; the stable side shrinks only by what the canary carries.
        assert sizes == [(1, 4), (1, 3), (2, 3), (2, 2), (4, 2), (4, 0)], sizes
        assert low == [], f"available pods fell below spec.replicas: {low}"
    finally:
        timeline.stop()
        env.client().delete("namespaces", None, ns)


def test_metrics_and_events_carry_argo_names(setup):
    s = setup("metrics", steps=[{"setWeight": 50}, {"pause": {"duration": "1s"}}])
    v2 = s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Healthy" and st.get("stableRS") == v2, 30, "promoted")
    text = s.controller.metrics()
    for needle in [
            f'rollout_info{{name="web",namespace="{s.ns}",phase="Completed",strategy="canary",traffic_router="Istio"}} 1',
            f'rollout_info_replicas_available{{name="web",namespace="{s.ns}"}}',
            f'rollout_info_replicas_desired{{name="web",namespace="{s.ns}"}} 4',
            f'rollout_phase{{name="web",namespace="{s.ns}",phase="Completed",strategy="canary"}} 1',
            "rollout_reconcile_bucket{", "rollout_reconcile_error{",
            f'rollout_events_total{{name="web",namespace="{s.ns}",reason="RolloutCompleted",type="Normal"}}',
            "controller_clientset_k8s_request_total{", "serin_controller_info{"]:
        assert needle in text, needle
    reasons = {e["reason"] for e in s.env.client().list("events", s.ns)["items"]
               if e["involvedObject"]["kind"] == "Rollout"}
    for reason in ("NewReplicaSetCreated", "RolloutUpdated", "ScalingReplicaSet", "RolloutStepCompleted",
                   "Updated VirtualService", "TrafficWeightUpdated", "SwitchService", "RolloutPaused",
                   "RolloutResumed", "RolloutCompleted"):
        assert reason in reasons, (reason, reasons)


def success_rate_template(env, ns, interval="1s"):
    """Seed 004's success-rate template, limited to one namespace: every test names its
    Services web-canary, and test namespaces run side by side."""
    selector = f'namespace="{ns}",service="{{{{args.service-name}}}}"'
    query = (f'sum(rate(http_requests_total{{{selector},status=~"2.."}}[5s])) / '
             f'sum(rate(http_requests_total{{{selector}}}[5s]))')
    return {"apiVersion": "serin.io/v1alpha1", "kind": "AnalysisTemplate", "metadata": {"name": "success-rate"},
            "spec": {"args": [{"name": "service-name"}],
                     "metrics": [{"name": "success-rate", "interval": interval, "failureLimit": 1,
                                  "successCondition": "result[0] >= 0.99",
                                  "provider": {"prometheus": {"address": env.prometheus_url, "query": query}}}]}}


def test_analysis_failure_aborts_with_weight_zero_before_scale_down(setup, env):
    s = setup("analysis-abort", steps=[{"setWeight": 30}, {"pause": {}}])
    assert apply(env, s.ns, success_rate_template(env, s.ns)).returncode == 0
    ro = rollouts.get(env, s.ns)
    ro["spec"]["strategy"]["canary"]["analysis"] = {
        "templates": [{"templateName": "success-rate"}], "startingStep": 1,
        "args": [{"name": "service-name", "value": "web-canary"}]}
    ro["spec"]["template"]["metadata"]["annotations"]["fixture.serin.io/error-rate"] = "0.3"
    ro["spec"]["template"]["spec"]["containers"][0]["image"] = "web:bad"
    env.client().replace("rollouts", s.ns, "web", ro)
    wait_for(lambda: s.status().get("currentPodHash") not in ("", s.v1), 10, what="new hash")
    bad = s.status()["currentPodHash"]
    s.wait_status(lambda st: st.get("abort") is True and st.get("phase") == "Degraded", 60,
                  "aborted by the background analysis")
    assert "Background analysis" in s.status()["message"], s.status()["message"]
    wait_for(lambda: s.timeline.latest().spec_replicas(bad) == 0, 30, what="canary scaled down")
    first_down = s.timeline.canary_scale_downs(bad)[0]
    assert first_down.route_weights()["web-canary"] == 0
    assert first_down.selector_hash("web-canary") == s.v1
    assert s.timeline.canary_weights() == [0, 30, 0]
    runs = env.client().list("analysisruns", s.ns)["items"]
    assert any(r["status"].get("phase") in ("Failed", "Error") for r in runs), [r["status"] for r in runs]


def test_analysis_step_gates_promotion(setup, env):
    s = setup("analysis-step", steps=[{"setWeight": 40}, {"analysis": {
        "templates": [{"templateName": "success-rate"}],
        "args": [{"name": "service-name", "value": "web-canary"}]}}, {"setWeight": 80}])
    tmpl = success_rate_template(env, s.ns)
    tmpl["spec"]["metrics"][0]["count"] = 3  # three good measurements and the step is done
    assert apply(env, s.ns, tmpl).returncode == 0
    v2 = s.update("web:v2")
    s.wait_status(lambda st: st.get("phase") == "Healthy" and st.get("stableRS") == v2, 90, "promoted")
    runs = env.client().list("analysisruns", s.ns)["items"]
    step_runs = [r for r in runs if r["metadata"]["labels"].get("rollout-type") == "Step"]
    assert step_runs and step_runs[0]["status"]["phase"] == "Successful"
    assert step_runs[0]["metadata"]["labels"]["step-index"] == "1"
    assert s.timeline.canary_weights() == [0, 40, 80, 0]
