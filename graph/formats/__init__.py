"""Readers for the exchange formats tiegraph writes: GEXF, GraphML, JSON (node-link, Cytoscape), XLSX.

Each reader returns a :class:`graph.dataset.Part` of string tables
(``checked=False``) that :func:`graph.load.load_dataset` checks exactly like a
ties CSV, so every rule and message is the same whatever the format. Fields
are mapped by name to the tie contract (``tie_type`` → ``type``,
``start_as_given`` → ``start``, ``actor_group`` → ``group``); fields tiegraph
works out itself (``start_date``, ``end_date``, ``doc_title``, centrality,
layout) are not read back. Each row keeps where it came from as an int
``line`` (an XML element's source line, a sheet row, an element's position in
a JSON list), so rejections read ``place:line: id: field: reason``.
"""

import math
import xml.parsers.expat
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import Part
from ..errors import DatasetError
from ..schema import ACTOR_COLUMNS, DOCUMENT_COLUMNS, TIE_COLUMNS, TIE_REQUIRED

__all__ = ["TIE_NAMES", "ACTOR_NAMES", "cell_text", "tie_field", "actor_field", "make_part",
           "XmlElement", "parse_xml"]

#: Names a tie field may have in an exchange file → the contract's name.
TIE_NAMES = {**{c: c for c in TIE_COLUMNS}, "tie_type": "type", "start_as_given": "start",
             "end_as_given": "end"}
#: The same for actors.
ACTOR_NAMES = {**{c: c for c in ACTOR_COLUMNS}, "actor_group": "group"}


def cell_text(value):
    """A value from a file as the contract's text: numbers short, booleans true/false, None empty.

    Examples
    --------
    >>> [cell_text(v) for v in (3.0, 2.5, True, None, " a ", 7, 1e20)]
    ['3', '2.5', 'true', '', 'a', '7', '1e+20']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def tie_field(name):
    """The contract field a file's attribute name stands for, or None (``Tie_Type`` → ``type``)."""
    return TIE_NAMES.get(str(name).strip().lower())


def actor_field(name):
    """The actor field an attribute name stands for, or None."""
    key = str(name).strip().lower()
    return ACTOR_NAMES.get(key) if key != "id" else None


def _frame(rows, columns, place):
    frame = pd.DataFrame({c: pd.Series([r.get(c, "") for r in rows], dtype=object) for c in columns})
    frame["line"] = np.asarray([int(r.get("line", 0)) for r in rows], dtype="int64")
    frame.attrs["place"] = str(place)
    return frame


def require_fields(label, ties, found, element="edge"):
    """Raise if a required tie field has no value on any edge: the file was not written for tiegraph.

    A graph from another tool (NetworkX, igraph, Gephi) carries none of
    ``type``, ``start``, ``confidence``, ``doc``, ``quote``; rejecting every
    edge six times over hides the one thing to say. ``found`` are the
    attribute names the edges do carry.
    """
    if not ties:
        return
    missing = [c for c in TIE_REQUIRED if not any(str(r.get(c, "")).strip() for r in ties)]
    if not missing:
        return
    names = sorted({str(n) for n in found})
    raise DatasetError(
        f"{label}: no {element} has {', '.join(missing)} (a tie needs {', '.join(TIE_REQUIRED)}); "
        f"the {element}s carry {', '.join(names) if names else 'no attributes'}; add them as {element} "
        f"attributes named as in the tie contract (tie_type is read as type)")


def make_part(label, ties, actors=None, documents=None, *, actors_place=None, documents_place=None,
              rejected=(), found=None, element="edge"):
    """A :class:`Part` of string tables from lists of dicts (each with a ``line``).

    With ``found`` (the attribute names the file's edges carry), a required
    tie field that no edge has raises :class:`DatasetError` (:func:`require_fields`).
    """
    if found is not None:
        require_fields(label, ties, found, element)
    return Part(label=str(label), ties=_frame(ties, TIE_COLUMNS, label),
                actors=None if actors is None else _frame(actors, ACTOR_COLUMNS, actors_place or label),
                documents=None if documents is None else
                _frame(documents, DOCUMENT_COLUMNS, documents_place or label),
                rejected=list(rejected), checked=False)


@dataclass
class XmlElement:
    """One XML element: local ``tag``, ``attrib`` (local names), ``children``, ``text`` and ``line``."""

    tag: str
    attrib: dict
    line: int
    children: list = field(default_factory=list)
    text: str = ""

    def find(self, tag):
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag):
        return [c for c in self.children if c.tag == tag]


#: The most a gzip-compressed exchange file may expand to (a "zip bomb" stops here).
GZIP_LIMIT = 2 << 30


def read_bytes(path):
    """The bytes of ``path``, gunzipped when the file is gzip-compressed (``.gexf.gz``).

    Raises
    ------
    DatasetError
        If the file cannot be read, is a damaged gzip file, or expands past :data:`GZIP_LIMIT`.
    """
    import gzip
    import zlib
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as ex:
        raise DatasetError(f"{path}: cannot be read ({ex.strerror})") from None
    if not raw.startswith(b"\x1f\x8b"):
        return raw
    try:
        with gzip.GzipFile(fileobj=__import__("io").BytesIO(raw)) as gz:
            out = gz.read(GZIP_LIMIT + 1)
    except (OSError, EOFError, zlib.error) as ex:
        raise DatasetError(f"{path}: a damaged gzip file ({ex})") from None
    if len(out) > GZIP_LIMIT:
        raise DatasetError(f"{path}: expands to more than {GZIP_LIMIT >> 30} GiB when uncompressed; not read")
    return out


def parse_xml(path, *, what, text_tags=()):
    """Parse an XML file into :class:`XmlElement` with source lines; namespaces dropped.

    Character data is kept only for elements named in ``text_tags`` (GraphML's
    ``data``). DTDs and entity declarations are refused (no entity expansion,
    no external fetches).

    Raises
    ------
    DatasetError
        If the file cannot be read or is not well-formed XML.
    """
    raw = read_bytes(path)
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    stack, root, local = [], [], {}

    def name_of(name):
        short = local.get(name)
        if short is None:
            short = local[name] = name.rsplit(" ", 1)[-1]
        return short

    def start(name, attrs):
        el = XmlElement(name_of(name), {name_of(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(el)
        stack.append(el)

    def end(name):
        stack.pop()

    def chars(data):
        if stack and stack[-1].tag in text_tags:
            stack[-1].text += data

    def no_dtd(*args):
        raise DatasetError(f"{path}:{parser.CurrentLineNumber}: a {what} file with a DTD or entity "
                           "declarations is not read")

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    try:
        parser.Parse(raw, True)
    except xml.parsers.expat.ExpatError as ex:
        raise DatasetError(f"{path}:{ex.lineno}: not a readable {what} file: "
                           f"{xml.parsers.expat.ErrorString(ex.code)}") from None
    if not root:
        raise DatasetError(f"{path}: not a {what} file (no XML element)")
    return root[0]
