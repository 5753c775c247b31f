"""What the tests share: paths, the command line as a user runs it, a real `langgraph dev`
(`devserver`), PostgreSQL (`pgserver`), loopback fake servers that misbehave on purpose
(`rawserver`, `faultproxy`), hostile captures, recorded sources and the screens built
from them (`screens`), and waiting on what the screen shows (`ui`)."""
