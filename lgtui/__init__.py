"""lgtui: a terminal debugger and inspector for LangGraph runs."""

__version__ = "0.1.0"
