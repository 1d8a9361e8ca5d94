"""Building Rollout test setups and acting on Rollouts the way `kubectl serin` does.

The actions mirror the kubectl plugin's (and Argo's) semantics exactly: promote clears the
pause conditions (or steps forward), promote --full sets status.promoteFull, abort/retry
set status.abort, undo copies an older ReplicaSet's template back into the Rollout.
"""
import copy
import json

import helpers

HASH = "rollouts-pod-template-hash"


def rollout(name="web", replicas=4, image="web:v1", steps=None, error_rate=0.0, extra_labels=None,
            canary_extra=None, spec_extra=None, routes=("primary",), vs="web"):
    labels = {"app": name}
    template_labels = dict(labels, **(extra_labels or {}))
    canary = {
        "canaryService": f"{name}-canary",
        "stableService": f"{name}-stable",
        "scaleDownDelaySeconds": 2,
        "abortScaleDownDelaySeconds": 2,
        "trafficRouting": {"istio": {"virtualService": {"name": vs, "routes": list(routes)}}},
        "steps": steps if steps is not None else [{"setWeight": 50}, {"pause": {}}],
    }
    canary.update(canary_extra or {})
    spec = {
        "replicas": replicas,
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": template_labels,
                         "annotations": {"fixture.serin.io/error-rate": str(error_rate)}},
            "spec": {"containers": [{"name": "app", "image": image}]},
        },
        "strategy": {"canary": canary},
    }
    spec.update(spec_extra or {})
    return {"apiVersion": "serin.io/v1alpha1", "kind": "Rollout", "metadata": {"name": name}, "spec": spec}


def services_and_route(name="web", rps=50):
    sel = {"app": name}
    return [helpers.service(f"{name}-stable", sel), helpers.service(f"{name}-canary", sel),
            helpers.virtual_service(name, {"primary": [(f"{name}-stable", 100), (f"{name}-canary", 0)]},
                                    {"fixture.serin.io/rps": str(rps)})]


def get(env, ns, name="web"):
    return env.client().get("rollouts", ns, name)


def patch_status(env, ns, name, status):
    return env.client().merge_patch("rollouts", ns, name, {"status": status}, subresource="status")


def promote(env, ns, name="web", full=False):
    ro = get(env, ns, name)
    if full:
        return patch_status(env, ns, name, {"promoteFull": True})
    if ro.get("spec", {}).get("paused"):
        env.client().merge_patch("rollouts", ns, name, {"spec": {"paused": False}})
    st = ro.get("status", {})
    if st.get("pauseConditions"):
        return patch_status(env, ns, name, {"pauseConditions": None})
    steps = ro["spec"]["strategy"]["canary"].get("steps", [])
    index = st.get("currentStepIndex", 0)
    if index < len(steps):
        return patch_status(env, ns, name, {"currentStepIndex": index + 1})
    return None


def abort(env, ns, name="web"):
    return patch_status(env, ns, name, {"abort": True})


def retry(env, ns, name="web"):
    return patch_status(env, ns, name, {"abort": False})


def set_image(env, ns, image, name="web"):
    return env.client().json_patch("rollouts", ns, name, [
        {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": image}])


def undo(env, ns, name="web", to_revision=0):
    """The template of the previous revision (or `to_revision`) back into the Rollout."""
    ro = get(env, ns, name)
    rss = [rs for rs in env.client().list("replicasets", ns)["items"]
           if any(o.get("uid") == ro["metadata"]["uid"] for o in rs["metadata"].get("ownerReferences", []))]
    key = "rollout.serin.io/revision"
    rss.sort(key=lambda rs: int(rs["metadata"].get("annotations", {}).get(key, "0")), reverse=True)
    current = ro.get("status", {}).get("currentPodHash")
    if to_revision:
        target = next(rs for rs in rss if rs["metadata"]["annotations"].get(key) == str(to_revision))
    else:
        target = next(rs for rs in rss if rs["metadata"]["labels"].get(HASH) != current)
    tmpl = copy.deepcopy(target["spec"]["template"])
    tmpl["metadata"]["labels"].pop(HASH, None)
    tmpl["metadata"].pop("creationTimestamp", None)
    return env.client().json_patch("rollouts", ns, name,
                                   [{"op": "replace", "path": "/spec/template", "value": tmpl}])


def template_hash_of(env, ns, name="web"):
    return get(env, ns, name).get("status", {}).get("currentPodHash", "")


def dump(obj):
    return json.dumps(obj, indent=1, sort_keys=True)
