"""AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun: metrics, their Prometheus
provider (the only one serin supports) and their arguments; also the argument sources and
metric options that a Rollout's analysis reuses (see rollout_analysis.py)."""
from .crd import AGE_COLUMN, crd, root_schema, status_schema
from .schema import (MAX_METRICS, TEMPLATED_COUNT_PATTERN, TEMPLATED_FAILURE_LIMIT_PATTERN, array,
                     boolean, duration, exactly_one, forbid, int_or_string, integer, list_map, obj,
                     string, unsupported)


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
