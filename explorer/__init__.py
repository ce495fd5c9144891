"""tiegraph's explorer: turn a tie graph into a self-contained interactive HTML page.

``explorer.view(ds)`` returns a figure for a notebook (see :func:`explorer.view.view`);
the submodule is imported on first use, so that ``import explorer`` stays light.
"""

__all__ = ["view"]


def __getattr__(name):
    if name == "view":
        import importlib  # callable: explorer.view(ds) is explorer.view.view(ds)
        return importlib.import_module(__name__ + ".view")
    raise AttributeError(f"module 'explorer' has no attribute {name!r}")
