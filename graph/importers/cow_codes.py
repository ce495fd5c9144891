"""COW state codes → ISO 3166 alpha-3, from COW's own state list (shipped in data/external_codes/)."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DatasetError
from .common import _countries, _num

def _shipped_cow_table():
    candidates = [Path(__file__).resolve().parents[2] / "data" / "external_codes",
                  Path(sys.prefix) / "share" / "tiegraph" / "data" / "external_codes"]
    for folder in candidates:
        if (folder / "cow_states2016.csv").is_file():
            return folder / "cow_states2016.csv"
    raise DatasetError("the COW state list (cow_states2016.csv) was not found in "
                       + ", ".join(str(c) for c in candidates) + "; pass it with --cow-codes FILE")


def cow_code_table(path=None):
    """Map COW state codes to ISO3, from COW's own state list.

    Returns a DataFrame with one row per COW code: ``ccode``, ``stateabb``,
    ``statenme``, ``iso3`` (current code or empty), ``historic`` (ISO 3166-3
    code or empty), ``until`` (first year the historic code no longer applies),
    ``first``/``last`` (membership years) and ``problem`` (why a code cannot be
    mapped, or empty).

    Examples
    --------
    >>> t = cow_code_table().set_index("ccode")
    >>> t.loc[[2, 365, 731, 732, 260], "iso3"].tolist()
    ['USA', 'RUS', 'PRK', 'KOR', 'DEU']
    >>> t.loc[315, "historic"], t.loc[265, "historic"]
    ('CSK', 'DDR')
    """
    path = Path(path) if path else _shipped_cow_table()
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as ex:
        raise DatasetError(f"{path}: cannot be read as the COW state list ({ex})") from None
    need = ["stateabb", "ccode", "statenme", "styear", "endyear"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise DatasetError(f"{path}: not a COW state list: missing column(s) {', '.join(missing)}")
    raw["ccode"] = pd.to_numeric(raw["ccode"], errors="coerce")
    raw = raw.dropna(subset=["ccode"])
    raw["ccode"] = raw["ccode"].astype(int)
    for part in ("st", "end"):
        ymd = [pd.to_numeric(raw.get(part + u, 1), errors="coerce") for u in ("year", "month", "day")]
        raw[part] = ymd[0] * 10000 + ymd[1].fillna(1) * 100 + ymd[2].fillna(1)
    spans = {int(c): list(zip(g["st"], g["end"])) for c, g in raw.groupby("ccode")}
    states = raw.drop_duplicates("ccode").set_index("ccode")[["stateabb", "statenme"]]
    cc = _countries()
    rows = []
    for code, st in states.iterrows():
        name = st["statenme"].strip()
        hist = cc.historic.get(name.lower())
        historic, until = (hist[0], hist[2]) if hist else ("", 0)
        current = cc.iso3(name, 9999) or ""
        by_name = bool(current)
        if not current:  # GW and COW share most numbers: 260 German Federal Republic → DEU
            current = cc.gw.get(int(code), "")
        rows.append({"ccode": int(code), "stateabb": st["stateabb"], "statenme": name,
                     "iso3": current, "historic": historic, "until": until,
                     "first": int(min(s for s, _ in spans[code]) // 10000),
                     "last": int(max(e for _, e in spans[code]) // 10000),
                     "by_name": by_name, "problem": ""})
    table = pd.DataFrame(rows)
    # Two COW codes must not become one actor at the same time (North and South
    # Yemen both match "yemen"): the code matched by name keeps the ISO code (rather
    # than one matched by its GW number), else the lower code; the other is rejected.
    for iso, group in table[table["iso3"] != ""].groupby("iso3"):
        for i in group.index:
            for j in group.index:
                a, b = table.loc[i], table.loc[j]
                if i == j or not any(s1 <= e2 and s2 <= e1 for s1, e1 in spans[a["ccode"]]
                                     for s2, e2 in spans[b["ccode"]]):
                    continue
                if (b["by_name"], -b["ccode"]) > (a["by_name"], -a["ccode"]):
                    table.loc[i, "problem"] = (
                        f"COW {a['ccode']} {a['statenme']!r} would map to {iso} like COW "
                        f"{b['ccode']} {b['statenme']!r} at the same time; left out rather than merged")
    nothing = (table["iso3"] == "") & (table["historic"] == "")
    table.loc[nothing, "problem"] = [
        f"COW {c} {n!r} has no ISO 3166 code (no match in country_converter or pycountry)"
        for c, n in zip(table.loc[nothing, "ccode"], table.loc[nothing, "statenme"])]
    return table.drop(columns="by_name")


def _map_cow(codes, years, table):
    """COW code + year → (iso3 array, problem array), computed once per distinct pair."""
    rows = {int(r["ccode"]): r for r in table.to_dict("records")}
    c_all, y_all = _num(codes).to_numpy(), _num(years).to_numpy()
    key, uniq = pd.factorize(np.where(np.isnan(c_all) | np.isnan(y_all), -1.0, c_all * 10000 + y_all))
    iso, prob = [], []
    for k in uniq:
        c, y = divmod(int(k), 10000) if k >= 0 else (None, None)
        row = rows.get(c)
        if c is None:
            iso.append(""), prob.append("not a COW code and year")
        elif row is None:
            iso.append(""), prob.append(f"COW code {c} is not in the COW state list")
        elif row["problem"]:
            iso.append(""), prob.append(row["problem"])
        elif row["historic"] and y < row["until"]:
            iso.append(row["historic"]), prob.append("")
        elif row["iso3"]:
            iso.append(row["iso3"]), prob.append("")
        else:
            iso.append(""), prob.append(f"COW {c} {row['statenme']!r} has no ISO 3166 code in {y} "
                                         "(its ISO 3166-3 code had been withdrawn)")
    return (np.asarray(iso, dtype=object)[key], np.asarray(prob, dtype=object)[key])


