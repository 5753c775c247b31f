"""The one kind of failure lgtui shows its user: a line of text, never a traceback.

Every error lgtui raises for the user to read is an ``LgtuiError``: the command line
prints its ``message`` (escaped) and exits with its ``exit_code``; the app shows it in a
toast or on the screen.  The subclasses say where it came from (a source, a capture, the
command line) and set the usual exit status:

- 1: the run ended with an error;
- 2: bad usage or input (a wrong flag, a file that is not a capture, a graph that does
  not load);
- 3: the server could not be reached or answered an HTTP error.
"""

from __future__ import annotations

EXIT_OK, EXIT_RUN_ERROR, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


class LgtuiError(Exception):
    """A failure to show the user as one line; ``exit_code`` is the command line's."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code
