"""A local dependency (langgraph.json "./vendor"): on the path as langgraph dev puts it."""


def shout(text: str) -> str:
    return text.upper() + "!"
