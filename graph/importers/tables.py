"""Imported ties as the text columns of ties.csv."""

import numpy as np
import pandas as pd

from ..schema import TIE_COLUMNS
from .common import _fmt


def tie_table(ties):
    """Return ``ties`` as the text columns of ``ties.csv`` (what ``import --out`` writes).

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["x:1"], "source": ["PRK"], "target": ["RUS"], "type": ["trade"],
    ...                   "start": ["2024"], "end": [""], "directed": [True], "weight": [237.5],
    ...                   "value": [float("nan")], "unit": [""], "confidence": ["confirmed"],
    ...                   "doc": ["d.csv"], "quote": ["q"], "polarity": ["cooperative"], "note": [""]})
    >>> tie_table(t).iloc[0][["directed", "weight", "value"]].tolist()
    ['true', '237.5', '']
    """
    out = pd.DataFrame({c: ties[c].astype(object).where(ties[c].notna(), "") for c in TIE_COLUMNS})
    out["directed"] = np.where(ties["directed"].astype(bool), "true", "false")
    for c in ("weight", "value"):
        out[c] = _fmt(ties[c].to_numpy()).to_numpy()
    return out.astype(str)

