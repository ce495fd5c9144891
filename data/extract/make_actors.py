"""Regenerate actors.csv (the actor lexicon of `tiegraph extract`) from its sources.

Run from the repository root: ``python data/extract/make_actors.py``. A curator may also edit
actors.csv by hand; this script is only how the first version was made:

* the bundled dataset's actors (data/actors.csv): name and aliases;
* every country country_converter knows (short and official names, ISO3 id) plus pycountry's
  names without a comma ("Korea, Republic of" is not how an article names a country);
* DEMONYMS and CAPITALS below (written by hand; capitals stand for their state as metonyms);
* INSTITUTIONS: a state's agencies and seats of government that speak and act for it ("the
  Treasury Department said", "the Blue House"), recorded as the state, like a leader;
* LEADERS: the persons the seed articles name, recorded as the state they act for (the data
  dictionary records a leader's act as an act of the state).

A form that would name two actors is dropped (the dataset's own actors win).
"""
import csv
import io
from pathlib import Path

import country_converter
import pandas as pd
import pycountry

ROOT = Path(__file__).resolve().parents[2]

DEMONYMS = {
    "AFG": "Afghan", "ALB": "Albanian", "DZA": "Algerian", "ARG": "Argentine;Argentinian",
    "ARM": "Armenian", "AUS": "Australian", "AUT": "Austrian", "AZE": "Azerbaijani",
    "BHR": "Bahraini", "BGD": "Bangladeshi", "BLR": "Belarusian", "BEL": "Belgian",
    "BOL": "Bolivian", "BIH": "Bosnian", "BRA": "Brazilian", "BGR": "Bulgarian",
    "KHM": "Cambodian", "CAN": "Canadian", "CHL": "Chilean", "CHN": "Chinese;Sino",
    "COL": "Colombian", "HRV": "Croatian", "CUB": "Cuban", "CYP": "Cypriot", "CZE": "Czech",
    "DNK": "Danish", "EGY": "Egyptian", "EST": "Estonian", "ETH": "Ethiopian",
    "FIN": "Finnish", "FRA": "French", "GEO": "Georgian", "DEU": "German", "GRC": "Greek",
    "HUN": "Hungarian", "ISL": "Icelandic", "IND": "Indian", "IDN": "Indonesian",
    "IRN": "Iranian", "IRQ": "Iraqi", "IRL": "Irish", "ISR": "Israeli", "ITA": "Italian",
    "JPN": "Japanese", "JOR": "Jordanian", "KAZ": "Kazakh", "KEN": "Kenyan", "KWT": "Kuwaiti",
    "KGZ": "Kyrgyz", "LAO": "Laotian", "LVA": "Latvian", "LBN": "Lebanese", "LBY": "Libyan",
    "LTU": "Lithuanian", "MYS": "Malaysian", "MLI": "Malian", "MEX": "Mexican",
    "MDA": "Moldovan", "MNG": "Mongolian", "MAR": "Moroccan", "MMR": "Myanmar;Burmese",
    "NPL": "Nepalese", "NLD": "Dutch", "NZL": "New Zealand", "NIC": "Nicaraguan",
    "NGA": "Nigerian", "PRK": "North Korean", "NOR": "Norwegian", "OMN": "Omani",
    "PAK": "Pakistani", "PSE": "Palestinian", "PER": "Peruvian", "PHL": "Philippine;Filipino",
    "POL": "Polish", "PRT": "Portuguese", "QAT": "Qatari", "ROU": "Romanian", "RUS": "Russian",
    "SAU": "Saudi", "SRB": "Serbian", "SGP": "Singaporean", "SVK": "Slovak",
    "SVN": "Slovenian", "SOM": "Somali", "ZAF": "South African", "KOR": "South Korean",
    "ESP": "Spanish", "LKA": "Sri Lankan", "SDN": "Sudanese", "SWE": "Swedish", "CHE": "Swiss",
    "SYR": "Syrian", "TWN": "Taiwanese", "TJK": "Tajik", "THA": "Thai", "TUN": "Tunisian",
    "TUR": "Turkish", "TKM": "Turkmen", "UKR": "Ukrainian", "ARE": "Emirati",
    "GBR": "British", "USA": "American", "UZB": "Uzbek", "VEN": "Venezuelan",
    "VNM": "Vietnamese", "YEM": "Yemeni",
}
CAPITALS = {
    "AFG": "Kabul", "ARM": "Yerevan", "AZE": "Baku", "BLR": "Minsk", "BEL": "Brussels",
    "BRA": "Brasília;Brasilia", "CAN": "Ottawa", "CUB": "Havana", "EGY": "Cairo",
    "FRA": "Paris", "DEU": "Berlin", "GRC": "Athens", "HUN": "Budapest", "IND": "New Delhi;Delhi",
    "IDN": "Jakarta", "IRN": "Tehran", "IRQ": "Baghdad", "ISR": "Jerusalem", "ITA": "Rome",
    "KAZ": "Astana", "MNG": "Ulaanbaatar;Ulan Bator", "NLD": "The Hague", "NOR": "Oslo",
    "PAK": "Islamabad", "POL": "Warsaw", "QAT": "Doha", "SRB": "Belgrade", "SGP": "Singapore",
    "ESP": "Madrid", "SWE": "Stockholm", "SYR": "Damascus", "THA": "Bangkok", "TUR": "Ankara",
    "ARE": "Abu Dhabi", "VEN": "Caracas", "VNM": "Hanoi", "MMR": "Naypyidaw",
    "LAO": "Vientiane", "KHM": "Phnom Penh", "MYS": "Kuala Lumpur", "FIN": "Helsinki",
    "EST": "Tallinn", "LVA": "Riga", "LTU": "Vilnius", "GEO": "Tbilisi", "DNK": "Copenhagen",
}
EXTRA_NAMES = {  # everyday names the two libraries lack
    "TUR": "Turkey", "CZE": "Czech Republic", "CIV": "Ivory Coast", "MKD": "Macedonia",
    "COD": "DR Congo", "MMR": "Burma", "VNM": "Vietnam", "LAO": "Laos", "SYR": "Syria",
    "IRN": "Iran", "VEN": "Venezuela", "BOL": "Bolivia", "TZA": "Tanzania", "MDA": "Moldova",
    "PSE": "Palestine", "XKX": "Kosovo", "USA": "USA",
}
LEADERS = {
    "RUS": "Putin;Vladimir Putin;Lavrov;Sergei Lavrov;Shoigu;Sergei Shoigu;Belusov;Andrei Belusov;Belousov;Andrei Belousov;Kremlin",
    "CHN": "Xi;Xi Jinping;Wang Yi;Li Shangfu",
    "PRK": "Kim Jong-un;Kim Jong Un;Kim Jong-Un;Kim",
    "KOR": "Yoon;Yoon Suk-yeol;Yoon Suk Yeol;Shin Won-sik;Lee Jae-myung;Lee Jae Myung;President Lee",
    "USA": "Biden;Joe Biden;Blinken;Antony Blinken;Trump;Donald Trump;Rubio;Marco Rubio;White House;Pentagon",
    "JPN": "Kishida;Fumio Kishida;Ishiba;Shigeru Ishiba;Ishiba Shigeru",
    "UKR": "Zelensky;Zelenskyy;Volodymyr Zelensky",
}

# agencies and seats of government named without their state: the state acts and speaks through
# them ("the State Department said" is the United States on record). A ministry named with its
# state ("South Korea's Defence Ministry", "the Foreign Ministry in Beijing") needs no row: the
# state's name or capital is matched.
INSTITUTIONS = {
    "USA": "State Department;Department of State;Treasury Department;Department of the Treasury;"
           "U.S. Treasury;Defense Department;Department of Defense;Commerce Department;"
           "Department of Commerce",
    "KOR": "Blue House",
    "CHN": "Zhongnanhai",
    "GBR": "Downing Street",
    "FRA": "Élysée Palace;Elysee Palace;Quai d'Orsay",
}


def main():
    actors = list(csv.DictReader(open(ROOT / "data" / "actors.csv", encoding="utf-8", newline="")))
    rows, owner = [], {}

    def add(actor_id, name, kind, group, form, form_kind):
        form = form.strip()
        if not form:
            return
        key = form.casefold()
        if key in owner and owner[key] != actor_id:
            if owner[key] != "?" and owner[key] not in dataset_ids:
                owner[key] = "?"  # ambiguous between two non-dataset actors: dropped below
            return
        if key in owner:
            return
        owner[key] = actor_id
        rows.append({"id": actor_id, "name": name, "kind": kind, "group": group,
                     "form": form, "form_kind": form_kind})

    dataset_ids = {a["id"] for a in actors}
    for a in actors:
        add(a["id"], a["name"], a["kind"], a["group"], a["name"], "name")
        for alias in filter(None, a["aliases"].split(";")):
            add(a["id"], a["name"], a["kind"], a["group"], alias, "alias")
    tsv = Path(country_converter.__file__).with_name("country_data.tsv")
    cc = pd.read_csv(tsv, sep="\t", keep_default_na=False, dtype=str)
    names = {}
    for r in cc.itertuples():
        names.setdefault(r.ISO3, r.name_short)
        for form in (r.name_short, r.name_official):
            add(r.ISO3, names[r.ISO3], "state", "other", form, "name")
    for c in pycountry.countries:
        name = names.get(c.alpha_3, getattr(c, "common_name", c.name))
        for form in (c.name, getattr(c, "official_name", ""), getattr(c, "common_name", "")):
            if form and "," not in form:
                add(c.alpha_3, name, "state", "other", form, "name")
    known = {r["id"]: r for r in rows}
    for table, kind in ((EXTRA_NAMES, "name"), (DEMONYMS, "demonym"), (CAPITALS, "capital"), (LEADERS, "leader"),
                        (INSTITUTIONS, "institution")):
        for iso3, forms in table.items():
            base = known[iso3]
            for form in forms.split(";"):
                add(iso3, base["name"], base["kind"], base["group"], form, kind)
    rows = [r for r in rows if owner[r["form"].casefold()] != "?"]
    # forms are matched word for word: an apostrophe is written both ways ("Democratic People’s
    # Republic of Korea" would otherwise be matched as its tail, "Republic of Korea", KOR)
    for r in list(rows):
        for a, b in (("'", "’"), ("’", "'")):
            if a in r["form"]:
                add(r["id"], r["name"], r["kind"], r["group"], r["form"].replace(a, b), r["form_kind"])
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=["id", "name", "kind", "group", "form", "form_kind"],
                       lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (ROOT / "data" / "extract" / "actors.csv").write_text(out.getvalue(), encoding="utf-8")
    print(f"{len(rows)} forms of {len({r['id'] for r in rows})} actors")


if __name__ == "__main__":
    main()
