"""tiegraph's model and analysis: load ties, build graphs, question them.

The package is deliberately light to import (no pandas or networkx at import
time) so that the command line starts fast; import the topic modules directly::

    from graph.load import load_dataset
    from graph.build import build_graph, select, collapse
"""

__all__ = []
