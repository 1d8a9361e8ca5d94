"""Prints the named CustomResourceDefinitions from a multi-document YAML file.

Usage: split_crds.py FILE NAME [NAME ...]
Documents are split on '---' lines; a document is kept when its metadata.name (the first
'  name:' line under 'metadata:') is one of NAMEs. Exits 1 naming any NAME not found.
"""
import re
import sys


def crd_name(doc: str):
    in_metadata = False
    for line in doc.splitlines():
        if re.match(r"^metadata:\s*$", line):
            in_metadata = True
            continue
        if in_metadata:
            if line and not line.startswith(" "):
                in_metadata = False
                continue
            m = re.match(r"^  name:\s*(\S+)\s*$", line)
            if m:
                return m.group(1).strip("'\"")
    return None


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        docs = re.split(r"(?m)^---\s*$", f.read())
    wanted = argv[2:]
    found = {}
    for doc in docs:
        name = crd_name(doc)
        if name in wanted:
            found[name] = doc.strip("\n")
    missing = [n for n in wanted if n not in found]
    if missing:
        print(f"split_crds: {', '.join(missing)} not found in {argv[1]}", file=sys.stderr)
        return 1
    print("\n---\n".join(found[n] for n in wanted))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
