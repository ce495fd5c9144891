"""Put one view together: positions, sizes, colours and a path, ready for HTML or an image.

The module is also callable: ``explorer.view(ds)`` is :func:`view`, the
notebook's figure (shown inline, saved, or pasted into a briefing).
"""

import html as _html
import sys
import types

from graph.analysis import centrality_scores, community_map
from graph.build import collapse
from graph.layout import layout_positions

from .elements import path_overlay, vis_elements
from .html import build_page

__all__ = ["COLOR_BY", "make_view", "view", "Figure"]

COLOR_BY = ("community", "group", "none")


def make_view(G, *, size_by="pagerank", color_by="community", polarity=None, seed=42,
              title="Ties", filters_text="", path_result=None, notes_text=""):
    """Return the page data (see :func:`explorer.html.build_page`) for a tie graph.

    Parameters
    ----------
    G : MultiDiGraph
        The ties to draw, from :func:`graph.build.build_graph` (already sliced).
        It is not modified.
    size_by : str or None
        Centrality metric for node size (:func:`graph.analysis.centrality_scores`),
        computed on the graph collapsed over ``polarity`` ties; ``None`` or
        ``"none"`` draws every node the same size.
    color_by : {"community", "group", "none"}
        Seeded Louvain bloc (over ``polarity`` ties), the actors' ``group``
        column, or one colour.
    polarity : {"cooperative", "adversarial", "all", None}
        Which ties count for size and blocs (``None``: cooperative). Every tie
        of ``G`` is drawn whatever this says.
    seed : int
        Seed of the layout and of Louvain.
    title, filters_text : str
        Shown in the page header.
    notes_text : str
        What was left out or merged to make the drawing (from
        :func:`graph.prune.fit_for_drawing`), shown in the header next to the filters.
    path_result : dict, optional
        From :func:`graph.paths.find_paths`; its best path is highlighted.

    Examples
    --------
    >>> import networkx as nx
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", type="trade", weight=1.0, polarity="cooperative")
    't1'
    >>> page = make_view(M, size_by="degree", color_by="none")
    >>> [n["id"] for n in page["nodes"]], page["meta"]["metric"]
    (['A', 'B'], 'degree')
    """
    if color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}, not {color_by!r}")
    polarity = polarity or "cooperative"
    metric = None if size_by in (None, "none") else size_by
    H = collapse(G, polarity=polarity) if (metric or color_by == "community") else None
    scores = centrality_scores(H, metric) if metric else None
    if color_by == "community":
        classes = community_map(H, seed=seed)
    elif color_by == "group":
        classes = {v: (d.get("group") or None) for v, d in G.nodes(data=True)}
    else:
        classes = None
    positions = layout_positions(G, seed=seed)
    elements = vis_elements(G, positions=positions, scores=scores, classes=classes,
                            lone_class=color_by == "community", blocs=color_by == "community")
    path = path_overlay(path_result, elements) if path_result else None
    return build_page(G, elements, title=title, filters_text=filters_text, metric=metric,
                      color_by=color_by, polarity=polarity, path=path, notes_text=notes_text)


_FILTERS = ("start", "end", "as_of", "types", "min_confidence", "polarity")


class Figure:
    """One drawn view: shows itself in a notebook, saves a page, gives a fragment.

    Made by :func:`view`. ``page`` is the page data (:func:`explorer.html.build_page`).
    """

    def __init__(self, page, *, compact=False, element_id=None, height=860):
        self.page = page
        self.compact = compact
        self.element_id = element_id
        self.height = int(height)

    def html(self):
        """The whole self-contained page, as a string."""
        from .html import render_html
        return render_html(self.page, element_id=self.element_id, compact=self.compact)

    def fragment(self, *, runtime=True):
        """The fragment to paste into a briefing (``runtime=False``: data only, see ``render --no-runtime``)."""
        from .html import render_html
        return render_html(self.page, fragment=True, element_id=self.element_id, runtime=runtime,
                           compact=self.compact)

    def save(self, path, *, fragment=False, runtime=True):
        """Write the page (or the fragment) to ``path`` atomically; return the path."""
        from .html import write_html
        return write_html(self.page, path, fragment=fragment, element_id=self.element_id,
                          runtime=runtime, compact=self.compact)

    def _repr_html_(self):
        """An iframe holding the whole page in ``srcdoc`` (escaped), so that it draws in JupyterLab,
        VS Code and a notebook exported to HTML, and its script cannot reach the notebook."""
        from .html import render_html
        doc = render_html(self.page, compact=self.compact, graph_height=max(240, self.height - 340))
        return (f'<iframe class="tiegraph-view" title="{_html.escape(self.page["meta"]["title"])}" '
                f'sandbox="allow-scripts" style="width:100%;height:{self.height}px;border:0" '
                f'srcdoc="{_html.escape(doc, quote=True)}"></iframe>')

    def __repr__(self):
        m = self.page["meta"]
        return f"<tiegraph figure {m['title']!r}: {m['n_actors']} actors, {m['n_ties']} ties>"


def view(data, *, title=None, size_by="pagerank", color_by="community", seed=42, path=None,
         compact=False, element_id=None, height=860, **filters):
    """Return a :class:`Figure` of a dataset or a tie graph (the notebook's ``render``).

    Parameters
    ----------
    data : Dataset or MultiDiGraph
        A dataset from :func:`graph.load.load_dataset` (filtered and cut to a
        drawable size as ``render`` does) or a tie graph from
        :func:`graph.build.build_graph`, drawn as it is.
    title, size_by, color_by, seed :
        As ``render`` (``--title``, ``--size-by``, ``--color-by``, ``--seed``).
    path : (str, str), optional
        Highlight how the first actor reaches the second (a dataset only).
    compact : bool
        Controls in a slim toolbar above the graph (``render --compact``).
    element_id : str, optional
        Element id of :meth:`Figure.fragment` (default: from the content).
    height : int
        Height in pixels of the inline frame in a notebook (the graph gets it less 340 px
        for the header, legend and details; the frame scrolls).
    **filters
        ``start``, ``end``, ``as_of``, ``types``, ``min_confidence``,
        ``polarity`` (:func:`graph.build.select`; with a dataset only, but
        ``polarity`` also decides what counts for size and blocs).

    Examples
    --------
    >>> import explorer, networkx as nx
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("A", "B", key="t1", type="trade", weight=1.0)
    't1'
    >>> fig = explorer.view(M, title="<A & B>")
    >>> fig
    <tiegraph figure '<A & B>': 2 actors, 1 ties>
    >>> frame = fig._repr_html_()
    >>> frame.startswith("<iframe") and "<script" not in frame and "&lt;script" in frame
    True
    """
    import networkx as nx
    from graph.build import build_graph, describe_filters, select
    unknown = set(filters) - set(_FILTERS)
    if unknown:
        raise TypeError(f"view() got unknown options: {', '.join(sorted(unknown))}")
    polarity = filters.get("polarity")
    if isinstance(data, nx.Graph):
        if path or set(filters) - {"polarity"}:
            raise ValueError("filters and path need a dataset (graph.load.load_dataset), not a graph")
        G, result, notes = data, None, ""
    else:
        from graph.prune import fit_for_drawing
        drawn = {k: v for k, v in filters.items() if k != "polarity"}
        chosen = select(data.ties, **drawn)
        result = None
        if path:
            from graph.paths import find_paths
            result = find_paths(data.ties, *path, actors=data.actors, filters=filters)
        on_path = result["paths"][0] if result and result.get("paths") else {"nodes": [], "hops": []}
        chosen, cut = fit_for_drawing(
            chosen, metric=size_by if size_by not in (None, "none") else "pagerank",
            polarity=polarity or "cooperative", keep=on_path["nodes"],
            keep_ties=[t["id"] for hop in on_path["hops"] for t in hop["ties"]])
        notes = cut["text"] if cut else ""
        G = build_graph(chosen, data.actors, documents=data.documents)
    page = make_view(G, size_by=size_by, color_by=color_by, polarity=polarity, seed=seed,
                     title=title or "tiegraph", filters_text=describe_filters(**filters),
                     path_result=result, notes_text=notes)
    return Figure(page, compact=compact, element_id=element_id, height=height)


class _CallableModule(types.ModuleType):
    """``explorer.view(...)`` calls :func:`view` (``explorer.view`` is this module)."""

    def __call__(self, data, **options):
        return view(data, **options)


sys.modules[__name__].__class__ = _CallableModule
