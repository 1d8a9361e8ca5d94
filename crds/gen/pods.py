"""The pods a Rollout runs: its selector, its pod template, and the labels and annotations
a strategy puts on pods."""
from .schema import LABEL_VALUE_MAX, MAX_SELECTOR_LABELS, array, obj, string, string_map


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
