"""Building blocks of the CRDs' OpenAPI schemas: typed fields, the patterns their strings
must match, and the CEL rules that refuse what serin does not implement.

An Argo field serin does not implement is declared (with `unsupported`) only to be refused
(with `forbid`): the API server prunes an undeclared field without a word, so the only way to
say "not supported" is to declare the field and add a rule that fails when it is present.
"""

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
