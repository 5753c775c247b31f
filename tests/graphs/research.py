"""The bundled research agent (`lgtui demo`), served by the test server too."""

from lgtui.examples.research import graph

__all__ = ["graph"]
