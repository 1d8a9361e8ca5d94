"""The blue-green strategy: a preview Service, then a switch of the active one."""
from .pods import pod_metadata
from .rollout_analysis import rollout_analysis
from .schema import boolean, forbid, integer, obj, string, unsupported


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
