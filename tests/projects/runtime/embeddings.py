"""A deterministic embedding function for the store's index (langgraph.json store.index.embed):
bag-of-letters vectors, so "cats" is nearer "cat food" than "tax forms"."""

import math


def embed(texts: list[str]) -> list[list[float]]:
    out = []
    for text in texts:
        v = [0.0] * 8
        for ch in text.lower():
            if ch.isalpha():
                v[(ord(ch) - 97) % 8] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        out.append([x / norm for x in v])
    return out
