"""The engine host: a child process that runs the user's project as `langgraph dev` does.

lgtui's own process never imports user code.  `lgtui.sources.embedded` starts
``python -P -c "from lgtui.host.main import main; main()" FD`` in the project's
environment and talks to it over a socket pair (`wire`): requests and replies as
JSON, a run's events as batches of the server's JSON payloads.  The host loads the
project (`project`), builds each run as the server does (`runtime`), keeps threads
(`threads`), the checkpointer and store (`persistence`) and serves requests (`server`).
"""
