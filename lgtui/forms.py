"""A run's input as a form: the fields a graph's input JSON schema asks for, and what
each field's text means.  No Textual.

- A property is a field: ``text``, ``integer``, ``number``, ``boolean``, ``choice``
  (an ``enum`` or ``Literal``, a select), ``messages`` (a list named ``messages``: one
  human message typed as text), or ``json`` (objects, lists, unions: typed as JSON).
- ``$ref`` is followed into ``$defs``; ``anyOf`` with null is the other type (optional);
  ``required`` fields come first, marked, and a form without them is not sent; the
  others keep the schema's order.
- A field left empty is left out of the input (the graph's default applies), unless it
  is required; ``defaults`` fill the form as it opens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

KINDS = ("text", "integer", "number", "boolean", "choice", "messages", "json")
MAX_FIELDS = 60  # a schema with more is typed as JSON


@dataclass
class Field:
    name: str
    kind: str
    required: bool = False
    default: Any = None
    has_default: bool = False
    choices: list[Any] = field(default_factory=list)
    description: str = ""
    nullable: bool = False

    def initial_text(self) -> str:
        """The text the field opens with (its default, as typed)."""
        if not self.has_default or self.default is None:
            return ""
        if self.kind in ("text", "choice") and isinstance(self.default, str):
            return self.default
        if self.kind == "messages":
            return ""
        return json.dumps(self.default, ensure_ascii=False)


class FieldError(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


def _resolve(schema: Any, root: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    if not isinstance(schema, dict) or depth > 20:
        return {}
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        merged = {
            **_resolve(target, root, depth + 1),
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
        return merged
    return schema


def _field(name: str, prop: Any, root: dict[str, Any], required: bool) -> Field:
    prop = _resolve(prop, root)
    nullable = False
    options = prop.get("anyOf") or prop.get("oneOf")
    if isinstance(options, list):
        real = [_resolve(o, root) for o in options if _resolve(o, root).get("type") != "null"]
        nullable = len(real) < len(options)
        if len(real) == 1:
            prop = {**real[0], **{k: v for k, v in prop.items() if k not in ("anyOf", "oneOf")}}
    kind = "json"
    choices: list[Any] = []
    kind_of = prop.get("type")
    if isinstance(prop.get("enum"), list) and prop["enum"]:
        kind, choices = "choice", list(prop["enum"])
    elif "const" in prop:
        kind, choices = "choice", [prop["const"]]
    elif kind_of == "string":
        kind = "text"
    elif kind_of == "integer":
        kind = "integer"
    elif kind_of == "number":
        kind = "number"
    elif kind_of == "boolean":
        kind = "boolean"
    elif kind_of == "array" and name == "messages":
        kind = "messages"
    return Field(
        name=name,
        kind=kind,
        required=required,
        default=prop.get("default"),
        has_default="default" in prop,
        choices=choices,
        description=str(prop.get("description") or "")[:200],
        nullable=nullable,
    )


def fields_of(schema: Any) -> list[Field] | None:
    """The form of an input schema; None when it is not an object of named properties
    (or too big for a form): the input is then typed as JSON."""
    root = _resolve(schema, schema if isinstance(schema, dict) else {})
    props = root.get("properties")
    if not isinstance(props, dict) or not props or len(props) > MAX_FIELDS:
        return None
    required = set(root.get("required") or [])
    fields = [_field(str(name), prop, root, name in required) for name, prop in props.items()]
    return sorted(fields, key=lambda f: not f.required)  # required first, else in order


def parse(f: Field, text: str) -> Any:
    """What the field's text means; raises FieldError with words for the user."""
    raw = text.strip()
    if f.kind == "text":
        return text
    if f.kind == "messages":
        return [{"role": "human", "content": text}]
    if f.kind == "choice":
        for choice in f.choices:  # (the select hands back the choice's text)
            if raw == (choice if isinstance(choice, str) else json.dumps(choice)):
                return choice
        raise FieldError(f.name, f"choose one of {', '.join(map(str, f.choices))}")
    if f.kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise FieldError(f.name, f"{raw!r} is not a whole number") from None
    if f.kind == "number":
        try:
            return float(raw) if any(c in raw for c in ".eE") else int(raw)
        except ValueError:
            raise FieldError(f.name, f"{raw!r} is not a number") from None
    if f.kind == "boolean":
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise FieldError(f.name, "true or false")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FieldError(f.name, f"invalid JSON at column {exc.colno}: {exc.msg}") from None


def build(fields: list[Field], texts: dict[str, str]) -> dict[str, Any]:
    """The input from the fields' texts (empty ones left out); FieldError when a
    required one is empty or a text means nothing of its kind."""
    out: dict[str, Any] = {}
    for f in fields:
        text = texts.get(f.name, "")
        if not text.strip() and f.kind != "boolean":
            if f.required:
                raise FieldError(f.name, "is required")
            continue
        out[f.name] = parse(f, text)
    return out


def texts_of(fields: list[Field], value: Any) -> dict[str, str] | None:
    """The fields' texts for an input (a history entry, the JSON typed); None when the
    input is not something the form can show (not an object, or keys it has no field
    for): it stays JSON."""
    if not isinstance(value, dict):
        return None
    by_name = {f.name: f for f in fields}
    if any(k not in by_name for k in value):
        return None
    out: dict[str, str] = {}
    for name, f in by_name.items():
        if name not in value:
            out[name] = "" if f.kind != "boolean" else (f.initial_text() or "false")
            continue
        v = value[name]
        if f.kind == "messages":
            if (
                isinstance(v, list)
                and len(v) == 1
                and isinstance(v[0], dict)
                and v[0].get("role", v[0].get("type")) in ("human", "user")
                and isinstance(v[0].get("content"), str)
            ):
                out[name] = v[0]["content"]
                continue
            return None
        if f.kind in ("text", "choice") and isinstance(v, str):
            out[name] = v
        else:
            out[name] = json.dumps(v, ensure_ascii=False)
    return out
