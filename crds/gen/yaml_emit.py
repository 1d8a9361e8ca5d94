"""A small YAML emitter, so that the generated files are byte-for-byte deterministic with
the standard library alone: block style, keys sorted, scalars plain when unambiguous, else
JSON-quoted (a JSON string is a valid YAML double-quoted scalar).
"""
import json
import re


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
