"""The canary strategy: its steps and its traffic routing (Istio, the only router serin
supports)."""
from .pods import pod_metadata
from .rollout_analysis import rollout_analysis
from .schema import (PAUSE_DURATION_PATTERN, PERCENT_OR_INT_PATTERN, array, boolean, exactly_one, forbid,
                     int_or_string, integer, obj, string, unsupported)


def pause_step():
    return obj(
        "Pause the rollout: for a duration, or until it is promoted when no duration is given.",
        {"duration": int_or_string(
            'How long to wait: whole seconds (30) or a duration string ("30s", "5m", "1h").',
            minimum=0, pattern=PAUSE_DURATION_PATTERN)})


def set_canary_scale_step():
    return obj(
        "Scale the canary ReplicaSet without changing the traffic weights.",
        {
            "weight": integer("Canary replicas as a percentage of spec.replicas.", minimum=0, maximum=100),
            "replicas": integer("An absolute number of canary replicas.", minimum=0),
            "matchTrafficWeight": boolean("Go back to sizing the canary by the current traffic weight."),
        },
        rules=[exactly_one(["weight", "replicas", "matchTrafficWeight"],
                           "setCanaryScale needs exactly one of weight, replicas or matchTrafficWeight")])


def canary_step():
    supported = ["setWeight", "pause", "setCanaryScale", "analysis"]
    refused = ["experiment", "setHeaderRoute", "setMirrorRoute", "plugin"]
    return obj(
        "One step of the canary; sets exactly one of its fields.",
        {
            "setWeight": integer("Percentage of traffic to send to the canary once enough canary "
                                 "pods are available.", minimum=0, maximum=100),
            "pause": pause_step(),
            "setCanaryScale": set_canary_scale_step(),
            "analysis": rollout_analysis("Run an AnalysisRun and wait for its verdict before going on."),
            "experiment": unsupported("experiment step"),
            "setHeaderRoute": unsupported("setHeaderRoute step"),
            "setMirrorRoute": unsupported("setMirrorRoute step"),
            "plugin": unsupported("plugin step"),
        },
        rules=[forbid(f, f"{f} steps are not supported by serin") for f in refused]
        # Split in two cheap rules (an 8-way count costs too much inside a list): a step sets at
        # least one field, and at most one supported field; a refused one is rejected above.
        + [{"rule": " || ".join(f"has(self.{f})" for f in supported + refused),
            "message": "a step needs one of setWeight, pause, setCanaryScale or analysis"},
           {"rule": " + ".join(f"(has(self.{f}) ? 1 : 0)" for f in supported) + " <= 1",
            "message": "a step sets only one of setWeight, pause, setCanaryScale or analysis"}])


def istio_virtual_service():
    return obj(
        "An Istio VirtualService whose route weights serin sets.",
        {
            "name": string('The VirtualService\'s name; "name.namespace" for another namespace.',
                           minLength=1),
            "routes": array("Names of the HTTP routes to manage; may be omitted when the "
                            "VirtualService has a single HTTP route.", {"type": "string"}),
            "tlsRoutes": array("TLS routes to manage, matched by port and SNI hosts.", obj(
                "A TLS route, identified by its match.",
                {"port": integer("The port the route matches.", minimum=0, fmt="int64"),
                 "sniHosts": array("The SNI hosts the route matches.", {"type": "string"})})),
            "tcpRoutes": array("TCP routes to manage, matched by port.", obj(
                "A TCP route, identified by its match.",
                {"port": integer("The port the route matches.", minimum=0, fmt="int64")})),
        },
        required=["name"])


def istio_routing():
    return obj(
        "Split traffic with Istio: by host (canary and stable Services as destinations) or by "
        "subset (DestinationRule subsets).",
        {
            "virtualService": istio_virtual_service(),
            "virtualServices": array("Several VirtualServices to keep at the same weights.",
                                     istio_virtual_service(), minItems=1),
            "destinationRule": obj(
                "A DestinationRule whose canary and stable subsets serin points at the two "
                "ReplicaSets (subset-level split).",
                {
                    "name": string("The DestinationRule's name.", minLength=1),
                    "canarySubsetName": string("The subset that selects the canary pods.", minLength=1),
                    "stableSubsetName": string("The subset that selects the stable pods.", minLength=1),
                    "additionalSubsetNames": unsupported("additionalSubsetNames", "string-array"),
                },
                required=["name", "canarySubsetName", "stableSubsetName"],
                rules=[forbid("additionalSubsetNames", "additionalSubsetNames is not supported by serin"),
                       {"rule": "self.canarySubsetName != self.stableSubsetName",
                        "message": "canarySubsetName and stableSubsetName must differ"}]),
        },
        rules=[{"rule": "has(self.virtualService) != has(self.virtualServices)",
                "message": "istio needs exactly one of virtualService or virtualServices"}])


def traffic_routing():
    routers = ["nginx", "alb", "smi", "ambassador", "appMesh", "traefik", "apisix"]
    props = {"istio": istio_routing()}
    for r in routers:
        props[r] = unsupported(f"{r} traffic router")
    props["plugins"] = unsupported("traffic router plugins")
    props["managedRoutes"] = unsupported("managedRoutes (header and mirror routes)", "array")
    props["maxTrafficWeight"] = unsupported("maxTrafficWeight", "integer")
    rules = [forbid(r, f"traffic router {r} is not supported by serin (only istio)") for r in routers]
    rules += [
        forbid("plugins", "traffic router plugins are not supported by serin (only istio)"),
        forbid("managedRoutes", "managedRoutes is not supported by serin"),
        forbid("maxTrafficWeight", "maxTrafficWeight is not supported by serin (weights are percentages)"),
        {"rule": "has(self.istio)", "message": "trafficRouting needs istio, the only router serin supports"},
    ]
    return obj("How traffic is split between the stable and canary versions.", props, rules=rules)


def canary_strategy():
    delay_note = " Applies with trafficRouting."
    return obj(
        "Bring the new version up beside the stable one and move traffic to it step by step.",
        {
            "canaryService": string("Service that serin points at the canary pods only."),
            "stableService": string("Service that serin points at the stable pods only."),
            "steps": array("The steps, run in order. Without steps a new version is promoted at once.",
                           canary_step()),
            "trafficRouting": traffic_routing(),
            "analysis": rollout_analysis(
                "Background analysis: runs from startingStep until the rollout completes; its failure "
                "aborts the rollout.", background=True),
            "maxSurge": int_or_string(
                'Pods allowed above spec.replicas during an update without trafficRouting: a number or '
                'a percentage ("25%"). Default 25%.', minimum=0, pattern=PERCENT_OR_INT_PATTERN),
            "maxUnavailable": int_or_string(
                'Pods allowed to be unavailable during an update without trafficRouting: a number or a '
                'percentage ("25%"). Default 25%.', minimum=0, pattern=PERCENT_OR_INT_PATTERN),
            "scaleDownDelaySeconds": integer(
                "Seconds to keep the previous stable ReplicaSet after promotion (default 30)." + delay_note,
                minimum=0),
            "scaleDownDelayRevisionLimit": integer(
                "How many old ReplicaSets may wait for their scale-down delay at once.", minimum=0),
            "abortScaleDownDelaySeconds": integer(
                "Seconds to keep the canary after an abort (default 30; 0 keeps it)." + delay_note,
                minimum=0),
            "dynamicStableScale": boolean(
                "Scale the stable ReplicaSet down as traffic moves to the canary, instead of keeping "
                "it at full size."),
            "canaryMetadata": pod_metadata("Labels and annotations put on canary pods while they are canary."),
            "stableMetadata": pod_metadata("Labels and annotations put on stable pods while they are stable."),
            "antiAffinity": unsupported("antiAffinity"),
            "pingPong": unsupported("pingPong services"),
            "minPodsPerReplicaSet": unsupported("minPodsPerReplicaSet", "integer"),
            "replicaProgressThreshold": unsupported("replicaProgressThreshold"),
        },
        rules=[
            forbid("antiAffinity", "antiAffinity is not supported by serin"),
            forbid("pingPong", "pingPong is not supported by serin (use canaryService and stableService)"),
            forbid("minPodsPerReplicaSet", "minPodsPerReplicaSet is not supported by serin"),
            forbid("replicaProgressThreshold",
                   "replicaProgressThreshold is not supported by serin (a step waits for all its canary pods)"),
            {"rule": "!has(self.canaryService) || !has(self.stableService) || "
                     "self.canaryService != self.stableService",
             "message": "canaryService and stableService must be two different Services"},
        ])
