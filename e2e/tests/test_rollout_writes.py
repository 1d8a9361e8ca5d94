"""API writes, counted from the API server's audit log by serin's user agent: per canary
step (goal: at most 3.5 on average) and for a reconcile with nothing to change (zero)."""
import collections
import time

import pytest

import rollouts
from controller import Controller
from helpers import apply, audit_entries, unique_namespace, wait_for

WRITE_VERBS = ("create", "update", "patch", "delete")


def serin_writes(env, ns, since=""):
    out = []
    for e in audit_entries(env):
        if e.get("stage") != "ResponseComplete" or e.get("verb") not in WRITE_VERBS:
            continue
        if not e.get("userAgent", "").startswith("serin-controller/"):
            continue
        if e.get("objectRef", {}).get("namespace") != ns or e["requestReceivedTimestamp"] <= since:
            continue
        out.append(e)
    return out


def breakdown(writes):
    c = collections.Counter((e["verb"], e["objectRef"]["resource"] + (
        "/" + e["objectRef"]["subresource"] if e["objectRef"].get("subresource") else "")) for e in writes)
    return dict(sorted(c.items()))


def last_audit_time(env):
    entries = audit_entries(env)
    return entries[-1]["requestReceivedTimestamp"] if entries else ""


# Writes per step for each shape: the goal (3.5) for the seed's steps; the short shapes pay
# the fixed cost of an update (create, promote, scale down) over fewer steps, so their bound
# is Argo Rollouts' own figure on this machine kind (7.0 per step without events) minus
# a third, which still catches any regression.
BOUNDS = {"seed-004": 3.5, "nine-weights": 4.2, "argo-bench": 4.7}

SHAPES = {
    # The shape Argo Rollouts was measured with on this machine kind (argo-rollouts.md).
    "argo-bench": (2, [{"setWeight": 20}, {"setWeight": 50}, {"setWeight": 100}]),
    # Seed 004's steps, pauses shortened.
    "seed-004": (10, [{"setWeight": 10}, {"pause": {"duration": "1s"}}, {"setWeight": 30},
                      {"pause": {"duration": "1s"}}, {"setWeight": 50}, {"pause": {"duration": "1s"}},
                      {"setWeight": 100}]),
    "nine-weights": (10, [{"setWeight": w} for w in (10, 20, 30, 40, 50, 60, 70, 80, 90)]),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_writes_per_canary_step_and_none_when_idle(env, shape):
    ns = unique_namespace(env, "writes")
    assert apply(env, ns, *rollouts.services_and_route()).returncode == 0
    replicas, steps = SHAPES[shape]
    with Controller(env, ns):
        assert apply(env, ns, rollouts.rollout(replicas=replicas, steps=steps)).returncode == 0
        wait_for(lambda: rollouts.get(env, ns).get("status", {}).get("phase") == "Healthy", 30, what="v1 Healthy")
        time.sleep(2)
        start = last_audit_time(env)
        rollouts.set_image(env, ns, "web:v2")
        wait_for(lambda: rollouts.get(env, ns)["status"].get("phase") == "Healthy" and
                 rollouts.get(env, ns)["status"].get("stableRS") == rollouts.get(env, ns)["status"].get("currentPodHash"),
                 60, what="v2 promoted")
        # Until the old version is scaled down (scaleDownDelaySeconds: 2).
        wait_for(lambda: all(rs["spec"]["replicas"] == 0 for rs in env.client().list("replicasets", ns)["items"]
                             if rs["metadata"]["labels"]["rollouts-pod-template-hash"] !=
                             rollouts.get(env, ns)["status"]["stableRS"]), 20, what="v1 scaled down")
        time.sleep(1)
        update = serin_writes(env, ns, start)
        without_events = [e for e in update if e["objectRef"]["resource"] != "events"]
        per_step = len(without_events) / len(steps)
        print(f"\n{shape}: update through {len(steps)} steps: {len(without_events)} writes without events "
              f"({per_step:.2f} per step), {len(update)} with events ({len(update) / len(steps):.2f} per step)")
        print(f"breakdown: {breakdown(update)}")

        # Idle: a reconcile with nothing to change writes nothing (resync, informer events of
        # other objects, the controller's own status echo). First let the event recorder
        # flush the counts of repeated events from the update (at most every 5 s).
        time.sleep(6)
        idle_start = last_audit_time(env)
        env.client().merge_patch("rollouts", ns, "web", {"metadata": {"annotations": {"touch": "1"}}})
        time.sleep(3)
        idle = [e for e in serin_writes(env, ns, idle_start)]
        assert idle == [], breakdown(idle)
        assert per_step <= BOUNDS[shape], breakdown(update)
