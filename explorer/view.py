"""Put one view together: positions, sizes, colours and a path, ready for HTML or an image."""

from graph.analysis import centrality_scores, community_map
from graph.build import collapse
from graph.layout import layout_positions

from .elements import path_overlay, vis_elements
from .html import build_page

__all__ = ["COLOR_BY", "make_view"]

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
