"""The CustomResourceDefinition around a schema: names, scope, the served version, printer
columns and subresources."""
from .schema import obj, string

VERSION = "v1alpha1"


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
