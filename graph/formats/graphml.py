"""Read a GraphML file (tiegraph's export, or one from Gephi, yEd, igraph, NetworkX) as tie data."""

from ..errors import DatasetError
from ..export import from_graphml_id
from . import actor_field, cell_text, make_part, parse_xml, tie_field

__all__ = ["read_graphml"]


def _all(graph, tag):
    """Every ``tag`` element of ``graph`` and of the graphs nested in its nodes (yEd groups), in file order."""
    out, todo = [], [graph]
    while todo:
        g = todo.pop()
        for child in g.children:
            if child.tag == tag:
                out.append(child)
            if child.tag == "node":
                todo.extend(child.findall("graph"))
    return sorted(out, key=lambda el: el.line)


def read_graphml(path, progress=None):
    """Read ``path`` into a :class:`~graph.dataset.Part` of string tables.

    Edges are ties (``id``, ``source``, ``target``); ``<data>`` values map
    to tie fields by their key's ``attr.name`` (``tie_type`` → ``type``).
    The direction is the ``directed`` attribute when there is one, else the
    edge's ``directed`` flag or the graph's ``edgedefault``. Nodes with a
    ``kind`` make the actors table (``name``, else ``label``, else the id).
    An edge without an XML ``id`` takes an ``id`` data value (NetworkX writes
    edge attributes as data). Ids written with ``_xHHHH_`` escapes (:func:`graph.export.graphml_id`)
    are decoded. Nodes and edges inside nested graphs (yEd groups) are read
    too. Each row's ``line`` is its element's line in the file.

    Raises
    ------
    DatasetError
        If the file is not well-formed XML or not GraphML.
    """
    root = parse_xml(path, what="GraphML", text_tags={"data"})
    graph = root.find("graph") if root.tag == "graphml" else None
    if graph is None:
        raise DatasetError(f"{path}: not a GraphML file (expected <graphml> holding <graph>, "
                           f"found <{root.tag}>)")
    names = {k.attrib.get("id", ""): k.attrib.get("attr.name") or k.attrib.get("id", "")
             for k in root.findall("key")}
    default = graph.attrib.get("edgedefault", "directed")

    def values(element):
        return {names[d.attrib.get("key")]: d.text for d in element.findall("data")
                if d.attrib.get("key") in names}

    ties, actors, found = [], [], set()
    for node in _all(graph, "node"):
        row = {"id": from_graphml_id(node.attrib.get("id", "").strip()), "line": node.line}
        vals = values(node)
        for name, value in vals.items():
            fld = actor_field(name)
            if fld:
                row[fld] = cell_text(value)
        row.setdefault("name", cell_text(vals.get("label", "")))
        actors.append(row)
    for edge in _all(graph, "edge"):
        a = edge.attrib
        found.update(a)
        flag = a.get("directed", "true" if default == "directed" else "false").strip()
        row = {"id": from_graphml_id(a.get("id", "").strip()),
               "source": from_graphml_id(a.get("source", "").strip()),
               "target": from_graphml_id(a.get("target", "").strip()), "line": edge.line,
               "directed": "true" if flag in ("true", "1") else "false"}
        for name, value in values(edge).items():
            found.add(name)
            fld = tie_field(name)
            if fld and fld not in ("id", "source", "target"):
                row[fld] = cell_text(value)
            elif fld == "id" and not row["id"]:  # NetworkX writes an edge's 'id' attribute as data
                row["id"] = cell_text(value)
        ties.append(row)
    with_kind = any(r.get("kind") for r in actors)
    return make_part(path, ties, actors if with_kind else None, found=found)
