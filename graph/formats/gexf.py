"""Read a GEXF file (Gephi; tiegraph's own export or one edited in Gephi) as tie data."""

from ..errors import DatasetError
from . import actor_field, cell_text, make_part, parse_xml, tie_field

__all__ = ["read_gexf"]


def _values(element, titles, changing=None):
    """``{title: value}`` of an element's ``attvalues`` (unknown ``for`` ids are skipped).

    A dynamic attribute with different values over time is put in
    ``changing`` as ``{title: [(value, start), ...]}``.
    """
    out, seen = {}, {}
    holder = element.find("attvalues")
    for av in holder.findall("attvalue") if holder is not None else ():
        key = av.attrib.get("for", av.attrib.get("id"))
        if key in titles:
            value = av.attrib.get("value", "")
            out[titles[key]] = value
            seen.setdefault(titles[key], []).append((value, av.attrib.get("start", av.attrib.get("from", ""))))
    if changing is not None:
        changing.update({t: v for t, v in seen.items() if len({x for x, _ in v}) > 1})
    return out


def read_gexf(path, progress=None):
    """Read ``path`` (GEXF 1.1–1.3) into a :class:`~graph.dataset.Part` of string tables.

    Edges are ties: ``id``, ``source``, ``target`` from the edge; ``weight``
    from the edge (or an attribute); the direction from a ``directed``
    attribute, else the edge's ``type`` (or the graph's default); the tie
    type from ``tie_type``, else the edge's ``kind`` (GEXF 1.3), else an edge
    ``type`` that is not a direction (NetworkX's ``write_gexf`` puts an
    edge's own ``type`` attribute there). Other tie
    fields come from attributes of the same title (``tie_type`` → ``type``;
    ``start_as_given``/``end_as_given`` → ``start``/``end``); a file without
    them gives ``start``/``end`` from the edge's own dates (or spells). Nodes
    with a ``kind`` attribute make the actors table (``name`` from the
    attribute or the label). Each row's ``line`` is its element's line.

    Raises
    ------
    DatasetError
        If the file is not well-formed XML or not GEXF.
    """
    root = parse_xml(path, what="GEXF")
    graph = root.find("graph") if root.tag == "gexf" else None
    if graph is None:
        raise DatasetError(f"{path}: not a GEXF file (expected <gexf> holding <graph>, found <{root.tag}>)")
    titles = {"node": {}, "edge": {}}
    for attrs in graph.findall("attributes"):
        cls = attrs.attrib.get("class", "node")
        for a in attrs.findall("attribute"):
            titles.setdefault(cls, {})[a.attrib.get("id", "")] = a.attrib.get("title") or a.attrib.get("id", "")
    as_given = any(tie_field(t) in ("start", "end") and t.lower() != tie_field(t)
                   for t in titles["edge"].values())
    default = graph.attrib.get("defaultedgetype", "undirected")
    ties, actors, found, rejected = [], [], set(), []
    nodes = graph.find("nodes")
    for node in nodes.findall("node") if nodes is not None else ():
        row = {"id": node.attrib.get("id", "").strip(), "line": node.line,
               "name": node.attrib.get("label", "").strip()}
        for title, value in _values(node, titles["node"]).items():
            fld = actor_field(title)
            if fld:
                row[fld] = cell_text(value)
        actors.append(row)
    edges = graph.find("edges")
    for edge in edges.findall("edge") if edges is not None else ():
        a = dict(edge.attrib)
        kind = a.get("kind", "").strip()
        if a.get("type", "").strip() not in ("", "directed", "undirected", "mutual"):
            kind = kind or a.pop("type").strip()  # NetworkX writes an edge's own 'type' here
        found.update(k for k in a if k != "type")
        row = {"id": a.get("id", "").strip(), "source": a.get("source", "").strip(),
               "target": a.get("target", "").strip(), "line": edge.line,
               "weight": a.get("weight", "").strip(), "type": kind,
               "directed": "true" if a.get("type", default) == "directed" else "false"}
        if kind:
            found.add("type")
        if not as_given:
            spells = edge.find("spells")
            spell = spells.findall("spell") if spells is not None else []
            row["start"] = (a.get("start") or (spell[0].attrib.get("start", "") if spell else "")).strip()
            row["end"] = (a.get("end") or (spell[-1].attrib.get("end", "") if spell else "")).strip()
        changing = {}
        for title, value in _values(edge, titles["edge"], changing).items():
            found.add(title)
            fld = tie_field(title)
            if fld and fld not in ("id", "source", "target") and (fld != "weight" or not row["weight"]):
                row[fld] = cell_text(value)
        moving = [t for t in changing if tie_field(t) and tie_field(t) not in ("id", "source", "target")]
        if moving:
            over = ", ".join(f"{v!r}" + (f" from {when}" if when else "") for v, when in changing[moving[0]])
            rejected.append({"file": str(path), "line": edge.line, "id": row["id"], "field": tie_field(moving[0]),
                             "reason": f"the dynamic attribute {moving[0]!r} changes over time ({over}); a tie "
                                       "has one value: split the edge into one tie per period"})
            continue
        ties.append(row)
    with_kind = any(r.get("kind") for r in actors)
    return make_part(path, ties, actors if with_kind else None, found=found, rejected=rejected)
