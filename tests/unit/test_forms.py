"""A run's input as a form: what fields an input schema gives, what each field's text
means, and which inputs a form can show."""

from __future__ import annotations

import pytest

from lgtui.forms import FieldError, build, fields_of, texts_of

PYDANTIC_LIKE = {
    "$defs": {"Mood": {"enum": ["calm", "angry"], "type": "string"}},
    "properties": {
        "question": {"type": "string", "description": "What to ask"},
        "mood": {"$ref": "#/$defs/Mood", "default": "calm"},
        "times": {"type": "integer", "default": 1},
        "ratio": {"type": "number"},
        "urgent": {"type": "boolean", "default": False},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "tags": {"type": "array", "items": {"type": "string"}},
        "messages": {"type": "array", "items": {}},
        "mode": {"const": "fast"},
    },
    "required": ["question"],
    "type": "object",
}


def test_every_kind_of_field():
    fields = {f.name: f for f in fields_of(PYDANTIC_LIKE)}
    kinds = {name: f.kind for name, f in fields.items()}
    assert kinds == {
        "question": "text",
        "mood": "choice",
        "times": "integer",
        "ratio": "number",
        "urgent": "boolean",
        "note": "text",
        "tags": "json",
        "messages": "messages",
        "mode": "choice",
    }
    assert fields["question"].required and not fields["times"].required
    assert fields["mood"].choices == ["calm", "angry"]
    assert fields["note"].nullable
    assert fields["question"].description == "What to ask"
    assert [fields[n].initial_text() for n in ("mood", "times", "urgent", "note")] == [
        "calm",
        "1",
        "false",
        "",
    ]


@pytest.mark.parametrize("schema", [None, {}, {"type": "string"}, {"properties": {}}, [1]])
def test_no_form_for_what_is_not_an_object_of_fields(schema):
    assert fields_of(schema) is None


def test_the_input_from_the_fields_texts():
    fields = fields_of(PYDANTIC_LIKE)
    texts = {
        "question": "why?",
        "mood": "angry",
        "times": "3",
        "ratio": "0.25",
        "urgent": "true",
        "tags": '["a", "b"]',
        "messages": "hello",
        "note": "",
    }
    assert build(fields, texts) == {
        "question": "why?",
        "mood": "angry",
        "times": 3,
        "ratio": 0.25,
        "urgent": True,
        "tags": ["a", "b"],
        "messages": [{"role": "human", "content": "hello"}],
    }  # (an empty optional field is left out: the graph's default applies)


@pytest.mark.parametrize(
    ("texts", "words"),
    [
        ({}, "question: is required"),
        ({"question": "q", "times": "three"}, "times: 'three' is not a whole number"),
        ({"question": "q", "ratio": "1,5"}, "ratio: '1,5' is not a number"),
        ({"question": "q", "mood": "sad"}, "mood: choose one of calm, angry"),
        ({"question": "q", "tags": "[1,"}, "tags: invalid JSON"),
    ],
)
def test_what_a_field_cannot_mean_is_said(texts, words):
    with pytest.raises(FieldError, match=words.replace("(", r"\(")):
        build(fields_of(PYDANTIC_LIKE), {"urgent": "false", **texts})


def test_an_input_is_shown_by_the_form_only_when_it_fits():
    fields = fields_of(PYDANTIC_LIKE)
    shown = texts_of(
        fields, {"question": "q", "times": 2, "messages": [{"role": "user", "content": "hi"}]}
    )
    assert shown["question"] == "q" and shown["times"] == "2" and shown["messages"] == "hi"
    assert shown["urgent"] == "false" and shown["ratio"] == ""
    assert build(fields, shown) == {
        "question": "q",
        "times": 2,
        "urgent": False,
        "messages": [{"role": "human", "content": "hi"}],
    }
    assert texts_of(fields, {"question": "q", "unknown": 1}) is None  # a key with no field
    assert texts_of(fields, [1, 2]) is None
    assert texts_of(fields, {"messages": [{"role": "ai", "content": "x"}]}) is None
