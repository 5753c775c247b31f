"""Project-level helpers: importable because langgraph dev puts the project folder on the path."""
