"""The analysis a Rollout asks for (a canary step, background analysis, blue-green pre- and
post-promotion): which templates, and the arguments the Rollout passes to them."""
from .analysis import dry_run_list, field_ref, measurement_retention_list
from .schema import array, boolean, exactly_one, forbid, integer, list_map, obj, string, unsupported


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
                    "fieldRef": field_ref(),
                    "podTemplateHashValue": string(
                        "The pod-template hash of the Stable or the Latest (canary) ReplicaSet, "
                        "e.g. to query only the canary's pods.", enum=["Stable", "Latest"]),
                    "secretKeyRef": unsupported("secretKeyRef on a Rollout's argument", "object"),
                },
                rules=[
                    forbid("secretKeyRef",
                           "secretKeyRef belongs in the AnalysisTemplate's args, not the Rollout's"),
                    exactly_one(["fieldRef", "podTemplateHashValue"],
                                "valueFrom needs exactly one of fieldRef or podTemplateHashValue"),
                ]),
        },
        required=["name"],
        rules=[{"rule": "has(self.value) != has(self.valueFrom)",
                "message": "an argument passed by a Rollout needs exactly one of value or valueFrom"}])


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
