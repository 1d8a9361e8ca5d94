#!/usr/bin/env python3
"""Generates serin's four CustomResourceDefinitions from the schemas in crds/gen/.

    python3 crds/generate.py                    write crds/*.yaml for group serin.io
    python3 crds/generate.py --check            exit 1 if a committed file differs
    python3 crds/generate.py --group G --out D  write copies for another API group

This script and the gen/ package next to it are the single source of truth for the API: the
YAML files next to it are their output and are committed so that `kubectl apply -f crds/`
works from a clone; the Helm chart calls this same generator (with --group and --out) for
its templated copies.

Field names and meanings follow Argo Rollouts v1alpha1, so a user's Argo manifests work
once their apiVersion says serin. Argo fields that serin does not implement are declared
only to be refused: the API server prunes an undeclared field without a word, so the only
way to say "not supported" is to declare the field and add a rule that fails when it is
present. Standard library only, and the YAML is emitted by a small emitter of its own
(gen/yaml_emit.py) so the output is byte-for-byte deterministic.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The gen package next to this file, found however the script is started; and no
# __pycache__ left behind in the source tree by the CTest check.
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from gen import render  # noqa: E402

DEFAULT_GROUP = "serin.io"

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
