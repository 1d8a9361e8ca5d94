#!/usr/bin/env python3
"""Generates serin's four CustomResourceDefinitions from the schemas written below.

    python3 crds/generate.py                    write crds/*.yaml for group serin.io
    python3 crds/generate.py --check            exit 1 if a committed file differs
    python3 crds/generate.py --group G --out D  write copies for another API group

This file is the single source of truth for the API: the YAML files next to it are its
output and are committed so that `kubectl apply -f crds/` works from a clone; the Helm
chart calls this same generator (with --group and --out) for its templated copies.

Field names and meanings follow Argo Rollouts v1alpha1, so a user's Argo manifests work
once their apiVersion says serin. Argo fields that serin does not implement are declared
here only to be refused: the API server prunes an undeclared field without a word, so the
only way to say "not supported" is to declare the field and add a rule that fails when it
is present. Standard library only, and the YAML is emitted by a small emitter below so the
output is byte-for-byte deterministic.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GROUP = "serin.io"
VERSION = "v1alpha1"

# ---------------------------------------------------------------------------------------
# Schema building blocks
# ---------------------------------------------------------------------------------------

# Go's time.ParseDuration units, including both spellings of micro.
_UNITS = "(ns|us|\u00b5s|\u03bcs|ms|s|m|h)"
_GO_DURATION = r"(0|([0-9]*\.?[0-9]+" + _UNITS + r")+)"
# `{{args.name}}` anywhere in the value: metrics are templated before they are parsed.
_ARG_PLACEHOLDER = r".*\{\{.*\}\}.*"
DURATION_PATTERN = "^" + _GO_DURATION + "$"
TEMPLATED_DURATION_PATTERN = "^(" + _GO_DURATION + "|" + _ARG_PLACEHOLDER + ")$"
# A pause duration may also be a bare number of seconds written as a string ("30").
PAUSE_DURATION_PATTERN = "^([0-9]+|([0-9]*\\.?[0-9]+" + _UNITS + ")+)$"
# A count or limit written as a string: a number, or an argument placeholder.
TEMPLATED_COUNT_PATTERN = "^([0-9]+|" + _ARG_PLACEHOLDER + ")$"
TEMPLATED_FAILURE_LIMIT_PATTERN = "^(-1|[0-9]+|" + _ARG_PLACEHOLDER + ")$"
PERCENT_OR_INT_PATTERN = "^[0-9]+%?$"


def obj(desc, props=None, required=None, rules=None, **extra):
    s = {"type": "object", "description": desc}
    if props is not None:
        s["properties"] = props
    if required:
        s["required"] = list(required)
    if rules:
        s["x-kubernetes-validations"] = list(rules)
    s.update(extra)
    return s


def string(desc, **extra):
    return {"type": "string", "description": desc, **extra}


def integer(desc, minimum=None, maximum=None, fmt="int32", **extra):
    s = {"type": "integer", "format": fmt, "description": desc}
    if minimum is not None:
        s["minimum"] = minimum
    if maximum is not None:
        s["maximum"] = maximum
    s.update(extra)
    return s


def boolean(desc):
    return {"type": "boolean", "description": desc}


def array(desc, items, **extra):
    return {"type": "array", "description": desc, "items": items, **extra}


def string_map(desc, value_max=None, **extra):
    values = {"type": "string"}
    if value_max is not None:
        values["maxLength"] = value_max
    return {"type": "object", "description": desc, "additionalProperties": values, **extra}


def int_or_string(desc, **extra):
    return {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}],
            "description": desc, **extra}


def duration(desc, templated=False):
    pattern = TEMPLATED_DURATION_PATTERN if templated else DURATION_PATTERN
    return string(desc + ' A Go duration such as "30s", "5m", "1h30m" or "500ms".', pattern=pattern)


def unsupported(what, kind="object"):
    """An Argo field serin refuses. It keeps Argo's JSON type (CEL can only see typed fields)
    but not its contents: whatever is inside, the rule naming the field is what the user
    sees."""
    desc = f"Argo Rollouts' {what}. Not supported by serin: setting it is rejected."
    if kind == "object":
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "description": desc}
    if kind == "array":  # of objects
        return {"type": "array", "description": desc,
                "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}
    if kind == "string-array":
        return {"type": "array", "description": desc, "items": {"type": "string"}}
    if kind == "int-or-string":
        return {"x-kubernetes-int-or-string": True, "description": desc}
    return {"type": kind, "description": desc}


def forbid(field, message):
    return {"rule": f"!has(self.{field})", "message": message, "fieldPath": f".{field}",
            "reason": "FieldValueForbidden"}


def exactly_one(fields, message):
    # A sum of constants, not a filtered list: the cost estimate of a list-building rule,
    # multiplied by the possible size of every enclosing array, exceeds the CEL budget.
    if len(fields) == 2:
        rule = f"has(self.{fields[0]}) != has(self.{fields[1]})"
    else:
        rule = " + ".join(f"(has(self.{f}) ? 1 : 0)" for f in fields) + " == 1"
    return {"rule": rule, "message": message}


# Bounds that keep CEL rules within the API server's cost budget. It estimates a rule's
# worst-case cost from the largest list or map a request could hold (and the longest string)
# and refuses the whole CRD when that exceeds the budget. Each bound below is needed (the CRD
# is refused without it) and far above real use; lists without such a need stay unbounded,
# as in Argo.
MAX_METRICS = 100          # for the prometheus authentication rules, evaluated per metric
MAX_SELECTOR_LABELS = 64   # for the selector-matches-template rule, which walks matchLabels
LABEL_VALUE_MAX = 63       # the same rule compares values; 63 is Kubernetes' own limit


def list_map(key):
    return {"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": [key]}


# ---------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------

def pod_metadata(desc):
    return obj(desc, {
        "labels": string_map("Labels to add."),
        "annotations": string_map("Annotations to add."),
    })


def label_selector():
    return obj(
        "Selects the pods this Rollout owns; must match the pod template's labels. Cannot be "
        "changed after creation.",
        {
            "matchLabels": string_map("Label key/value pairs a pod must all carry.",
                                      value_max=LABEL_VALUE_MAX, maxProperties=MAX_SELECTOR_LABELS),
            "matchExpressions": array("Set-based requirements a pod must all satisfy.", obj(
                "One requirement on a label.",
                {
                    "key": string("The label key."),
                    "operator": string("How the key relates to the values.",
                                       enum=["In", "NotIn", "Exists", "DoesNotExist"]),
                    "values": array("The values for In and NotIn; empty for Exists and DoesNotExist.",
                                    {"type": "string"}),
                },
                required=["key", "operator"])),
        },
        rules=[
            {"rule": "(has(self.matchLabels) && size(self.matchLabels) > 0) || "
                     "(has(self.matchExpressions) && size(self.matchExpressions) > 0)",
             "message": "selector must not be empty"},
            {"rule": "self == oldSelf", "message": "selector is immutable"},
        ])


def secret_key_ref():
    return obj("Reads the value from a key of a Secret in the object's namespace. The value never "
               "appears in status, events or logs.",
               {"name": string("The Secret's name.", minLength=1),
                "key": string("The key inside the Secret.", minLength=1)},
               required=["name", "key"])


def field_ref():
    return obj("Reads the value from a field of the Rollout, e.g. metadata.labels['team'].",
               {"fieldPath": string("Path of the field to read.", minLength=1)},
               required=["fieldPath"])


def rollout_argument():
    """An argument a Rollout passes to the AnalysisRuns it creates."""
    return obj(
        "An argument passed to the analysis templates; fills {{args.<name>}}.",
        {
            "name": string("The argument's name, as the template declares it.", minLength=1),
            "value": string("A literal value."),
            "valueFrom": obj(
                "Where to read the value from instead of a literal.",
                {
                    "secretKeyRef": secret_key_ref(),
                    "fieldRef": field_ref(),
                    "podTemplateHashValue": unsupported("podTemplateHashValue (Stable or Latest pod hash)", "string"),
                },
                rules=[
                    forbid("podTemplateHashValue",
                           "valueFrom.podTemplateHashValue is not supported by serin yet"),
                    exactly_one(["secretKeyRef", "fieldRef", "podTemplateHashValue"],
                                "valueFrom needs exactly one of secretKeyRef or fieldRef"),
                ]),
        },
        required=["name"],
        rules=[{"rule": "has(self.value) != has(self.valueFrom)",
                "message": "an argument passed by a Rollout needs exactly one of value or valueFrom"}])


def template_argument():
    """An argument declared by a template (or resolved in a run)."""
    return obj(
        "An argument of the template, used in it as {{args.<name>}}. Without value or valueFrom "
        "it must be supplied by the Rollout (or the run's creator).",
        {
            "name": string("The argument's name.", minLength=1),
            "value": string("A literal value; a default when declared in a template."),
            "valueFrom": obj(
                "Where to read the value from instead of a literal.",
                {"secretKeyRef": secret_key_ref(), "fieldRef": field_ref()},
                rules=[exactly_one(["secretKeyRef", "fieldRef"],
                                   "valueFrom needs exactly one of secretKeyRef or fieldRef")]),
        },
        required=["name"],
        rules=[{"rule": "!(has(self.value) && has(self.valueFrom))",
                "message": "set value or valueFrom, not both"}])


def dry_run_list():
    return array(
        "Metrics that are measured and recorded but do not decide the run's verdict.",
        obj("A dry-run metric.",
            {"metricName": string('Name of the metric, or "*" for all of them.', minLength=1)},
            required=["metricName"]),
        **list_map("metricName"))


def measurement_retention_list():
    return array(
        "How many measurements to keep in status per metric (default 10).",
        obj("A retention limit for one metric.",
            {"metricName": string('Name of the metric, or "*" for all of them.', minLength=1),
             "limit": integer("Measurements to keep; 0 keeps the default.", minimum=0)},
            required=["metricName", "limit"]),
        **list_map("metricName"))


def template_refs():
    return array(
        "The templates whose metrics make up the run.",
        obj("A reference to an AnalysisTemplate or ClusterAnalysisTemplate.",
            {"templateName": string("The template's name.", minLength=1),
             "clusterScope": boolean("Look up a ClusterAnalysisTemplate instead of an "
                                     "AnalysisTemplate in the Rollout's namespace.")},
            required=["templateName"]),
        minItems=1)


def rollout_analysis(desc, background=False):
    props = {
        "templates": template_refs(),
        "args": array("Arguments for the templates.", rollout_argument(), **list_map("name")),
        "dryRun": dry_run_list(),
        "measurementRetention": measurement_retention_list(),
        "analysisRunMetadata": unsupported("analysisRunMetadata (labels and annotations for runs)"),
    }
    if background:
        props["startingStep"] = integer(
            "Index of the step at which the background analysis starts (default 0).", minimum=0)
    return obj(desc, props, required=["templates"],
               rules=[forbid("analysisRunMetadata", "analysisRunMetadata is not supported by serin")])


# ---------------------------------------------------------------------------------------
# Rollout
# ---------------------------------------------------------------------------------------

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


def blue_green_strategy():
    return obj(
        "Bring the new version up in full behind a preview Service, then switch the active "
        "Service to it.",
        {
            "activeService": string("Service that serves production traffic; serin switches its "
                                    "selector to the new version at promotion.", minLength=1),
            "previewService": string("Service that selects the new version before promotion."),
            "autoPromotionEnabled": boolean("Promote without a human once the new version is "
                                            "available (default true)."),
            "autoPromotionSeconds": integer("Seconds to wait after the new version is available "
                                            "before promoting automatically.", minimum=0),
            "previewReplicaCount": integer("Replicas of the new version before promotion; it is "
                                           "scaled to spec.replicas before the switch.", minimum=0),
            "prePromotionAnalysis": rollout_analysis("Analysis that must succeed before the switch."),
            "postPromotionAnalysis": rollout_analysis(
                "Analysis run after the switch; its failure switches back."),
            "scaleDownDelaySeconds": integer("Seconds to keep the previous version after the switch "
                                             "(default 30).", minimum=0),
            "scaleDownDelayRevisionLimit": integer(
                "How many old ReplicaSets may wait for their scale-down delay at once.", minimum=0),
            "abortScaleDownDelaySeconds": integer(
                "Seconds to keep the preview ReplicaSet after an abort (default 30; 0 keeps it).",
                minimum=0),
            "previewMetadata": pod_metadata("Labels and annotations put on pods while they are the preview."),
            "activeMetadata": pod_metadata("Labels and annotations put on pods while they are active."),
            "antiAffinity": unsupported("antiAffinity"),
            "maxUnavailable": unsupported("blueGreen.maxUnavailable", "int-or-string"),
        },
        required=["activeService"],
        rules=[
            forbid("antiAffinity", "antiAffinity is not supported by serin"),
            forbid("maxUnavailable", "blueGreen.maxUnavailable is not supported by serin"),
            {"rule": "!has(self.previewService) || self.previewService != self.activeService",
             "message": "activeService and previewService must be two different Services"},
        ])


def pod_template():
    return obj(
        "The pods to run. serin copies it unchanged into the ReplicaSets it creates.",
        {
            "metadata": obj("Labels and annotations of the pods.", {
                "labels": string_map("The pods' labels; must include spec.selector.matchLabels.",
                                     value_max=LABEL_VALUE_MAX),
                "annotations": string_map("The pods' annotations."),
            }),
            "spec": obj(
                "A Kubernetes PodSpec, passed verbatim to the ReplicaSets (the API server checks it "
                "when they are created).",
                {"containers": array(
                    "The pod's containers.",
                    obj("A container.", {"name": string("The container's name.", minLength=1),
                                         "image": string("The container image.")},
                        required=["name"], **{"x-kubernetes-preserve-unknown-fields": True}),
                    minItems=1)},
                required=["containers"], **{"x-kubernetes-preserve-unknown-fields": True}),
        },
        required=["spec"])


def rollout_spec():
    return obj(
        "The desired state of the Rollout.",
        {
            "replicas": integer("Number of pods wanted (default 1).", minimum=0, default=1),
            "selector": label_selector(),
            "template": pod_template(),
            "minReadySeconds": integer("Seconds a new pod must be ready before it counts as "
                                       "available (default 0).", minimum=0),
            "revisionHistoryLimit": integer("Old ReplicaSets to keep for undo (default 10).", minimum=0),
            "paused": boolean("Hold the rollout where it is until set back to false."),
            "progressDeadlineSeconds": integer(
                "Seconds an update may go without progress before it is reported as stalled "
                "(default 600).", minimum=1),
            "progressDeadlineAbort": boolean("Abort the update when the progress deadline passes."),
            "restartAt": string("Restart every pod created before this time.", format="date-time"),
            "rollbackWindow": obj(
                "Going back to one of the most recent revisions skips steps and analysis.",
                {"revisions": integer("How many recent revisions count as a rollback.", minimum=0)}),
            "analysis": obj(
                "How many finished AnalysisRuns to keep.",
                {"successfulRunHistoryLimit": integer("Successful runs to keep (default 5).", minimum=0),
                 "unsuccessfulRunHistoryLimit": integer(
                     "Failed, errored or inconclusive runs to keep (default 5).", minimum=0)}),
            "strategy": obj(
                "How a new version replaces the old one: exactly one of canary or blueGreen.",
                {"canary": canary_strategy(), "blueGreen": blue_green_strategy()},
                rules=[{"rule": "has(self.canary) != has(self.blueGreen)",
                        "message": "strategy needs exactly one of canary or blueGreen"}]),
            "workloadRef": unsupported("workloadRef"),
        },
        required=["selector", "template", "strategy"],
        rules=[
            forbid("workloadRef", "workloadRef is not supported by serin: put the pod template in spec.template"),
            {"rule": "!has(self.progressDeadlineSeconds) || self.progressDeadlineSeconds > "
                     "(has(self.minReadySeconds) ? self.minReadySeconds : 0)",
             "message": "progressDeadlineSeconds must be greater than minReadySeconds",
             "fieldPath": ".progressDeadlineSeconds"},
            {"rule": "!has(self.selector.matchLabels) || self.selector.matchLabels.all(k, "
                     "has(self.template.metadata) && has(self.template.metadata.labels) && "
                     "k in self.template.metadata.labels && "
                     "self.template.metadata.labels[k] == self.selector.matchLabels[k])",
             "message": "selector.matchLabels must match template.metadata.labels",
             "fieldPath": ".template.metadata"},
        ])


# ---------------------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------------------

UNSUPPORTED_PROVIDERS = ["web", "job", "datadog", "newRelic", "wavefront", "kayenta", "cloudWatch",
                         "graphite", "influxdb", "skywalking", "plugin"]


def prometheus_provider():
    return obj(
        "Measure with an instant Prometheus query. A vector result is a list (result[0]); a "
        "scalar result is a number.",
        {
            "address": string("Base URL of the Prometheus server, e.g. http://prometheus.monitoring:9090."),
            "query": string("The PromQL query; {{args.<name>}} is replaced by the argument.", minLength=1),
            "timeout": integer("Seconds the query may take (default 30).", minimum=1, fmt="int64"),
            "headers": array(
                "HTTP headers sent with the query, e.g. Authorization with a value taken from a "
                "secret argument.",
                obj("An HTTP header.", {"key": string("The header's name.", minLength=1),
                                        "value": string("The header's value.")},
                    required=["key", "value"])),
            "insecure": boolean("Skip TLS certificate verification."),
            "authentication": obj(
                "Argo Rollouts' provider authentication. serin authenticates with headers only.",
                {
                    "sigv4": obj("AWS SigV4 signing. Not supported by serin.", {
                        "region": string("AWS region."), "profile": string("Credential profile."),
                        "roleArn": string("IAM role.")}),
                    "oauth2": obj("OAuth2 client credentials. Not supported by serin.", {
                        "tokenUrl": string("Token URL."), "clientId": string("Client ID."),
                        "clientSecret": string("Client secret."),
                        "scopes": array("Scopes.", {"type": "string"})}),
                },
                # Argo's Go client writes empty sigv4/oauth2 objects; only content is refused.
                rules=[
                    {"rule": "!has(self.sigv4) || !(has(self.sigv4.region) || has(self.sigv4.profile) "
                             "|| has(self.sigv4.roleArn))",
                     "message": "prometheus sigv4 authentication is not supported by serin (use headers)",
                     "fieldPath": ".sigv4", "reason": "FieldValueForbidden"},
                    {"rule": "!has(self.oauth2) || !(has(self.oauth2.tokenUrl) || has(self.oauth2.clientId) "
                             "|| has(self.oauth2.clientSecret) || has(self.oauth2.scopes))",
                     "message": "prometheus oauth2 authentication is not supported by serin (use headers)",
                     "fieldPath": ".oauth2", "reason": "FieldValueForbidden"},
                ]),
            "rangeQuery": unsupported("prometheus rangeQuery"),
        },
        required=["query"],
        rules=[forbid("rangeQuery", "prometheus rangeQuery is not supported by serin (instant queries only)")])


def metric_provider():
    props = {"prometheus": prometheus_provider()}
    for p in UNSUPPORTED_PROVIDERS:
        props[p] = unsupported(f"{p} metric provider")
    return obj(
        "Where the measurement comes from: exactly one provider.",
        props,
        rules=[forbid(p, f"provider {p} is not supported by serin yet") for p in UNSUPPORTED_PROVIDERS]
        # With every other provider rejected above, "exactly one" reduces to "at least one":
        # a metric naming only an unsupported provider gets just that provider's message.
        + [{"rule": " || ".join(f"has(self.{p})" for p in ["prometheus"] + UNSUPPORTED_PROVIDERS),
            "message": "a metric needs exactly one provider (serin supports prometheus)"}])


def limit(desc, minimum=0):
    pattern = TEMPLATED_FAILURE_LIMIT_PATTERN if minimum < 0 else TEMPLATED_COUNT_PATTERN
    return int_or_string(desc + ' A number, or a string holding one or an argument ("{{args.limit}}").',
                         minimum=minimum, pattern=pattern)


def metric():
    return obj(
        "A measurement taken repeatedly and judged by its conditions.",
        {
            "name": string("The metric's name, unique in the template.", minLength=1),
            "interval": duration("Time between measurements; without it the metric is measured "
                                 "once (or count times).", templated=True),
            "initialDelay": duration("Time to wait after the run starts before the first measurement.",
                                     templated=True),
            "count": limit("Number of measurements to take. With only an interval the metric is "
                           "measured until the run ends; more than one needs an interval."),
            "successCondition": string("Expression over `result` that marks a measurement successful, "
                                       "e.g. result[0] >= 0.99."),
            "failureCondition": string("Expression over `result` that marks a measurement failed."),
            "failureLimit": limit("Failed measurements tolerated before the metric fails (default 0; "
                                  "-1 never fails).", minimum=-1),
            "inconclusiveLimit": limit("Inconclusive measurements tolerated before the metric is "
                                       "inconclusive (default 0)."),
            "consecutiveErrorLimit": limit("Errors in a row tolerated before the metric errs (default 4)."),
            "consecutiveSuccessLimit": limit("Successes in a row that make the metric successful "
                                             "(default 0: off)."),
            "provider": metric_provider(),
        },
        required=["name", "provider"],
        rules=[{"rule": "!has(self.count) || type(self.count) == string || self.count <= 1 || "
                        "has(self.interval)",
                "message": "a metric with count greater than 1 needs an interval",
                "fieldPath": ".interval"}])


def analysis_common_props():
    return {
        "args": array("Arguments of the analysis.", template_argument(), **list_map("name")),
        "metrics": array("The metrics to measure.", metric(), minItems=1, maxItems=MAX_METRICS,
                         **list_map("name")),
        "dryRun": dry_run_list(),
        "measurementRetention": measurement_retention_list(),
    }


def analysis_template_spec():
    props = analysis_common_props()
    props["templates"] = unsupported("templates (composing other templates)", "array")
    return obj("How to judge a version: its metrics and their arguments.", props,
               required=["metrics"],
               rules=[forbid("templates", "templates (nested analysis templates) is not supported by serin")])


def analysis_run_spec():
    props = analysis_common_props()
    props["terminate"] = boolean("Stop the run now; it ends with the verdict so far.")
    props["ttlStrategy"] = unsupported("ttlStrategy")
    return obj("The metrics of this run, with their arguments resolved.", props,
               required=["metrics"],
               rules=[forbid("ttlStrategy", "ttlStrategy is not supported by serin "
                                            "(the Rollout's run history limits prune runs)")])


# ---------------------------------------------------------------------------------------
# CRDs
# ---------------------------------------------------------------------------------------

def status_schema(desc):
    return {"type": "object", "description": desc, "x-kubernetes-preserve-unknown-fields": True}


def root_schema(desc, spec, status=None):
    props = {
        "apiVersion": string("The API version of this object."),
        "kind": string("The kind of this object."),
        "metadata": {"type": "object"},
        "spec": spec,
    }
    if status is not None:
        props["status"] = status
    return obj(desc, props, required=["spec"])


AGE_COLUMN = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp",
              "description": "Time since the object was created."}


def crd(group, kind, plural, short, scope, schema, columns, subresources=None):
    version = {
        "name": VERSION,
        "served": True,
        "storage": True,
        "schema": {"openAPIV3Schema": schema},
        "additionalPrinterColumns": columns,
    }
    if subresources:
        version["subresources"] = subresources
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}", "labels": {"app.kubernetes.io/part-of": "serin"}},
        "spec": {
            "group": group,
            "names": {"kind": kind, "listKind": kind + "List", "plural": plural,
                      "singular": kind.lower(), "shortNames": [short]},
            "scope": scope,
            "versions": [version],
        },
    }


def rollout_crd(group):
    columns = [
        {"name": "Desired", "type": "integer", "jsonPath": ".spec.replicas",
         "description": "Pods wanted."},
        {"name": "Current", "type": "integer", "jsonPath": ".status.replicas",
         "description": "Pods that exist."},
        {"name": "Up-to-date", "type": "integer", "jsonPath": ".status.updatedReplicas",
         "description": "Pods of the newest version."},
        {"name": "Available", "type": "integer", "jsonPath": ".status.availableReplicas",
         "description": "Pods ready for at least minReadySeconds."},
        {"name": "Phase", "type": "string", "jsonPath": ".status.phase",
         "description": "Healthy, Progressing, Paused or Degraded."},
        {"name": "Step", "type": "integer", "jsonPath": ".status.currentStepIndex",
         "description": "Index of the current canary step."},
        {"name": "Weight", "type": "integer", "jsonPath": ".status.canary.weights.canary.weight",
         "description": "Percentage of traffic on the canary."},
        AGE_COLUMN,
    ]
    schema = root_schema(
        "A Deployment with a progressive delivery strategy (canary or blue-green).",
        rollout_spec(),
        status_schema("Observed state, written by the controller."))
    return crd(group, "Rollout", "rollouts", "ro", "Namespaced", schema, columns, {
        "status": {},
        "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.HPAReplicas",
                  "labelSelectorPath": ".status.selector"},
    })


def analysis_template_crd(group, cluster=False):
    kind = "ClusterAnalysisTemplate" if cluster else "AnalysisTemplate"
    desc = ("How to judge a version, shared by all namespaces." if cluster
            else "How to judge a version: metrics, their queries and conditions.")
    schema = root_schema(desc, analysis_template_spec())
    return crd(group, kind, kind.lower() + "s", "cat" if cluster else "at",
               "Cluster" if cluster else "Namespaced", schema, [AGE_COLUMN])


def analysis_run_crd(group):
    columns = [{"name": "Status", "type": "string", "jsonPath": ".status.phase",
                "description": "Phase of the run."}, AGE_COLUMN]
    schema = root_schema("One execution of analysis templates: its measurements and verdict.",
                         analysis_run_spec(),
                         status_schema("Measurements and verdict, written by the controller."))
    return crd(group, "AnalysisRun", "analysisruns", "ar", "Namespaced", schema, columns, {"status": {}})


def all_crds(group):
    return {
        "rollouts.yaml": rollout_crd(group),
        "analysistemplates.yaml": analysis_template_crd(group),
        "clusteranalysistemplates.yaml": analysis_template_crd(group, cluster=True),
        "analysisruns.yaml": analysis_run_crd(group),
    }


# ---------------------------------------------------------------------------------------
# YAML emitter: block style, keys sorted, scalars plain when unambiguous, else JSON-quoted
# (a JSON string is a valid YAML double-quoted scalar).
# ---------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _.,;()'/+=<>%\-]*")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _scalar(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        if _PLAIN.fullmatch(v) and not v.endswith(" ") and v.lower() not in _RESERVED:
            return v
        return json.dumps(v)
    raise TypeError(f"cannot emit {type(v).__name__}")


def _emit(value, indent, out):
    pad = " " * indent
    if isinstance(value, dict):
        for k in sorted(value):
            v = value[k]
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{_scalar(k)}:")
                _emit(v, indent + 2 if isinstance(v, dict) else indent, out)
            else:
                out.append(f"{pad}{_scalar(k)}: {_inline(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub = []
                _emit(item, indent + 2, sub)
                out.append(f"{pad}- {sub[0][indent + 2:]}")
                out.extend(sub[1:])
            else:
                out.append(f"{pad}- {_inline(item)}")
    else:
        raise TypeError("top level must be a mapping or a sequence")


def _inline(v):
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    return _scalar(v)


def to_yaml(doc):
    out = []
    _emit(doc, 0, out)
    return "\n".join(out) + "\n"


HEADER = "# Generated by crds/generate.py from the schemas written there. Do not edit by hand.\n"


def render(group):
    return {name: HEADER + to_yaml(doc) for name, doc in all_crds(group).items()}


_GROUP = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--group", default=DEFAULT_GROUP,
                    help="API group of the resources (default serin.io); a Helm expression such as "
                         "'{{ .Values.apiGroup }}' is passed through for templated copies")
    ap.add_argument("--out", default=HERE, help="directory to write to (default: this script's directory)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 naming each file that differs from what would be generated")
    args = ap.parse_args(argv)
    if "{{" not in args.group and not _GROUP.fullmatch(args.group):
        ap.error(f"--group {args.group!r} is not a DNS subdomain with at least one dot")

    files = render(args.group)
    if args.check:
        stale = []
        for name, text in files.items():
            path = os.path.join(args.out, name)
            try:
                with open(path, encoding="utf-8") as f:
                    current = f.read()
            except OSError:
                current = None
            if current != text:
                stale.append(path)
        for path in stale:
            print(f"{path} is out of date: run python3 crds/generate.py", file=sys.stderr)
        return 1 if stale else 0

    os.makedirs(args.out, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
