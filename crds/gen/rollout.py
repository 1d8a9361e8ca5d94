"""The Rollout: its spec (pods, strategy, history and deadlines) and its CRD, with the
printer columns and the scale subresource."""
from .bluegreen import blue_green_strategy
from .canary import canary_strategy
from .crd import AGE_COLUMN, crd, root_schema, status_schema
from .pods import label_selector, pod_template
from .schema import boolean, forbid, integer, obj, string, unsupported


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
