"""COW Dyadic Trade → directed trade ties."""

from pathlib import Path

import numpy as np
import pandas as pd

from .atop import _cow_actors, _cow_ends
from .common import _dataset, _documents, _num, _read_source, _rejections, _ties
from .cow_codes import cow_code_table

def import_cow_trade(path, *, cow_codes=None):
    """Import COW Dyadic Trade (``ccode1, ccode2, year, flow1, flow2``; million current USD).

    Each non-zero flow is one directed ``trade`` tie from exporter to importer
    (``flow1`` = imports of ccode1 from ccode2, so ccode2 → ccode1), dated by the
    year, with ``value`` = ``weight`` = the flow in million USD. Zero flows
    (under 0.5 million after COW's rounding) and missing flows make no tie; they
    are counted in ``notes``. Ids are ``cow_trade:<ccode1>-<ccode2>:<year>:flow1|flow2``.

    Raises
    ------
    DatasetError
        If the file cannot be read or lacks the COW trade columns.
    """
    frame, lines = _read_source(path, ("ccode1", "ccode2", "year", "flow1", "flow2"), "COW dyadic trade")
    table = cow_code_table(cow_codes)
    ids = ("cow_trade:" + frame["ccode1"] + "-" + frame["ccode2"] + ":" + frame["year"]).to_numpy(dtype=object)
    iso1, iso2, bad, rejected = _cow_ends(frame, lines, ids, path, table)
    doc = Path(path).name
    parts, notes = [], []
    for flow, src, dst, src_code, dst_code in (("flow1", iso2, iso1, "ccode2", "ccode1"),
                                               ("flow2", iso1, iso2, "ccode1", "ccode2")):
        val = _num(frame[flow])
        text = frame[flow]
        bad_num = (text != "") & val.isna()
        rejected += _rejections(path, lines, ids + ":" + flow, flow,
                                "'" + text + "' is not a number", bad_num.to_numpy() & ~bad)
        keep = ~bad & (val > 0).to_numpy()
        notes.append(f"{flow}: {int(((val == 0).to_numpy() & ~bad).sum())} zero and "
                     f"{int(((text == '').to_numpy() & ~bad).sum())} missing flows make no tie")
        f = frame[keep]
        quote = ("COW Dyadic Trade 4.0 ccode1=" + f["ccode1"] + " ccode2=" + f["ccode2"] + " year="
                 + f["year"] + ": " + flow + " = " + f[flow] + " (imports of " + f[dst_code]
                 + " from " + f[src_code] + ", million current USD)")
        parts.append(_ties({"id": ids[keep] + ":" + flow, "source": src[keep], "target": dst[keep],
                            "type": "trade", "start": f["year"].to_numpy(), "directed": True,
                            "weight": val[keep].to_numpy(), "value": val[keep].to_numpy(),
                            "unit": "million USD", "confidence": "confirmed", "doc": doc,
                            "quote": quote.to_numpy(), "line": lines[keep]},
                           path=path, precision="year"))
    ties = pd.concat(parts, ignore_index=True)
    ties = ties.iloc[np.argsort(ties["line"].to_numpy(), kind="stable")]
    actors = _cow_actors(np.concatenate([frame["ccode1"][~bad], frame["ccode2"][~bad]]),
                         np.concatenate([iso1[~bad], iso2[~bad]]), path, table)
    docs = _documents(doc, "Correlates of War Dyadic Trade v4.0 (dyad-year, million current USD)",
                      "Correlates of War Project", path)
    return _dataset(ties, actors, docs, rejected, path, notes)


