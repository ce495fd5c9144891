"""Read graph JSON as tie data: Cytoscape.js (``elements``) or NetworkX node-link (``nodes`` + ``edges``)."""

import json

from ..errors import DatasetError
from . import actor_field, cell_text, make_part, read_bytes, tie_field

__all__ = ["read_json"]


def read_json(path, progress=None):
    """Read ``path`` into a :class:`~graph.dataset.Part`; the shape is detected.

    Cytoscape.js JSON (``{"elements": {"nodes": [...], "edges": [...]}}`` or
    a list of elements with ``group``) takes each edge's ``data``; node-link
    JSON (``{"nodes": [...], "edges"|"links": [...]}``) each link's fields,
    the tie id being ``id`` or ``key``. Fields map to the tie contract by
    name (``tie_type`` → ``type``, ``actor_group`` → ``group``). Rejections
    name ``FILE:edges`` (or ``FILE:nodes``) and the element's position in
    that list, counted from 1.

    Raises
    ------
    DatasetError
        If the file is not JSON or has neither shape.
    """
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror})") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: the file is not UTF-8 text") from None
    lines = None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as ex:
        if ex.msg != "Extra data":
            raise DatasetError(f"{path}:{ex.lineno}: not readable as JSON ({ex.msg}, column {ex.colno})") \
                from None
        doc, lines = _json_lines(path, text), True
    default = doc.get("directed") if isinstance(doc, dict) else None
    if isinstance(doc, list):  # a bare list: Cytoscape.js elements, or tie records (JSON Lines too)
        if any(isinstance(e, dict) and e.get("group") in ("nodes", "edges") for e in doc):
            doc = {"elements": doc}
        else:
            edges = [e if isinstance(e, dict) else {} for e in doc]
            nodes = []
            doc = None
    if doc is None:
        pass
    elif isinstance(doc, dict) and "elements" in doc:
        elements = doc["elements"]
        if isinstance(elements, list):
            nodes = [e.get("data", {}) for e in elements if isinstance(e, dict) and e.get("group") == "nodes"]
            edges = [e.get("data", {}) for e in elements if isinstance(e, dict) and e.get("group") == "edges"]
        elif isinstance(elements, dict):
            nodes = [e.get("data", {}) if isinstance(e, dict) else {} for e in elements.get("nodes") or []]
            edges = [e.get("data", {}) if isinstance(e, dict) else {} for e in elements.get("edges") or []]
        else:
            raise DatasetError(f"{path}: 'elements' must be an object or a list (Cytoscape.js JSON)")
        nodes, edges = _desktop_names(nodes, edges)
    elif isinstance(doc, dict) and ("edges" in doc or "links" in doc):
        nodes = [n if isinstance(n, dict) else {} for n in doc.get("nodes") or []]
        edges = [e if isinstance(e, dict) else {} for e in doc.get("edges", doc.get("links")) or []]
        edges = [{**e, "id": e["key"]} if "id" not in e and "key" in e else e for e in edges]
    else:
        found = f"an object with keys {', '.join(map(repr, list(doc)[:8]))}" if isinstance(doc, dict) \
            else f"a JSON {type(doc).__name__}"
        raise DatasetError(f"{path}: neither Cytoscape.js JSON ('elements') nor node-link JSON "
                           f"('nodes' and 'edges' or 'links') nor a list of ties; found {found}")
    if isinstance(default, bool):  # node-link's (and networkx cytoscape_data's) graph-level flag
        edges = [{"directed": default, **e} for e in edges]
    ties, actors, found = [], [], set()
    for i, data in enumerate(edges, 1):
        row = {"line": data.get("_line", i) if lines else i}
        found.update(k for k in data if k != "_line")
        for name, value in data.items():
            fld = tie_field(name)
            if fld and not isinstance(value, (dict, list)):
                row[fld] = cell_text(value)
        ties.append(row)
    for i, data in enumerate(nodes, 1):
        row = {"line": i, "id": cell_text(data.get("id"))}
        for name, value in data.items():
            fld = actor_field(name)
            if fld and not isinstance(value, (dict, list)):
                row[fld] = cell_text(value)
        actors.append(row)
    with_kind = any(r.get("kind") for r in actors)
    label = path if lines else f"{path}:edges"
    return make_part(label, ties, actors if with_kind else None, actors_place=f"{path}:nodes", found=found,
                     element="record" if lines else "edge")


def _desktop_names(nodes, edges):
    """Cytoscape desktop's export: node ids are SUIDs (``"104"``), the node's name is its ``name``.

    Edges then point at SUIDs; they are mapped to the nodes' names (what
    Cytoscape shows), so that ties join actors by name, not by a session number.
    """
    if not nodes or not all(isinstance(n, dict) and "SUID" in n for n in nodes):
        return nodes, edges
    names = {cell_text(n.get("id")): cell_text(n.get("name") or n.get("shared_name")) for n in nodes}
    if not all(names.values()):
        return nodes, edges

    def name(v):
        return names.get(cell_text(v), v)
    edges = [{**e, "source": name(e.get("source")), "target": name(e.get("target"))} for e in edges]
    return [{**n, "id": names[cell_text(n.get("id"))]} for n in nodes], edges


def _json_lines(path, text):
    """JSON Lines: one object per non-blank line; each record keeps its line number as ``_line``."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as ex:
            raise DatasetError(f"{path}:{n}: not readable as JSON Lines ({ex.msg}, column {ex.colno})") \
                from None
        if not isinstance(rec, dict):
            raise DatasetError(f"{path}:{n}: a JSON Lines record must be an object, got {type(rec).__name__}")
        out.append({**rec, "_line": n})
    return out
