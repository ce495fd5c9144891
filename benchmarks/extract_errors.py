"""Why extract misses curated ties and proposes wrong ones, on seeds 001 and 002 (counts per cause).

Run: python benchmarks/extract_errors.py [--list] [--doc 001|002]

Missed curated tie, by cause (first that applies):
  actor-missing    one of the two actors is not recognised in the quote's sentence(s)
                   (named by pronoun, "the two countries", a heading, or in another sentence)
  negated          both there, a negation/refusal cue in the sentence
  no-trigger       both there, no trigger cue of the tie's type in the sentence
  wrong-type       both there, extract proposed the pair with another type in that sentence
  rule             both there and a trigger of the type, but the rules did not link them
False positive, by cause:
  repeated         the pair and type are curated in another sentence of the document
  other-doc        the pair and type are curated only from the other seed (the dictionary: where
                   001 and 002 state the same tie, the row quotes 001)
  wrong-type       the pair is curated in this sentence with another type
  wrong-pair       this sentence holds a curated tie, not for this pair
  no-tie           the sentence holds no curated tie at all
"""

import collections
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_extract as B  # noqa: E402


def sentences(ex, text):
    """[(start, end)] character spans of every sentence, as the extractor splits them."""
    out = []
    for off, para in ex.paragraphs(text):
        for s in ex.nlp(para).sents:
            out.append((off + s.start_char, off + s.end_char))
    return out


def main(argv):
    from graph.extract import extract_files, get_extractor
    ex = get_extractor()
    only = next((argv[i + 1] for i, a in enumerate(argv) if a == "--doc"), None)
    docs = {d: day for d, day in B.DOCS.items() if not only or d.startswith(only)}
    texts = {d: (B.SEEDS / d).read_text(encoding="utf-8") for d in docs}
    every = [r for r in csv.DictReader(open(B.ROOT / "data" / "ties.csv", encoding="utf-8"))
             if r["doc"] in B.DOCS]
    gold = [r for r in every if r["doc"] in docs]
    cands = []
    for d, day in docs.items():
        frame, *_ = extract_files([B.SEEDS / d], doc_ids=[d], date=day)
        cands += frame.to_dict("records")
    m = B.score(cands, gold, texts)
    sents = {d: sentences(ex, t) for d, t in texts.items()}

    def sent_of(doc, quote):
        hits = B.spans(texts[doc], quote)
        return [s for s in sents[doc] if B.overlap([s], hits)]

    def actors_in(doc, spans_):
        ids = set()
        for s, e in spans_:
            d = ex._lemmatize(ex.nlp(texts[doc][s:e]))
            ids |= {ex.nlp.vocab.strings[k] for k, a, b in ex.actor_matcher(d)}
            ids |= {ex.nlp.vocab.strings[k].split(":")[0] for k, a, b in ex.actor_matcher(d)}
        return ids

    miss = collections.Counter()
    rows = []
    for g in m["missed"]:
        ss = sent_of(g["doc"], g["quote"])
        found = actors_in(g["doc"], ss)
        stext = " ".join(texts[g["doc"]][s:e] for s, e in ss)
        sd = ex._lemmatize(ex.nlp(stext))
        types = {ex.triggers[ex.nlp.vocab.strings[k]]["type"] for k, a, b in ex.trigger_matcher(sd)}
        negs = [ex.cues[ex.nlp.vocab.strings[k]] for k, a, b in ex.cue_matcher(sd)]
        same = [c for c in cands if c["doc"] == g["doc"] and {c["source"], c["target"]} ==
                {g["source"], g["target"]} and B.overlap(B.spans(texts[c["doc"]], c["quote"]), ss)]
        if not {g["source"], g["target"]} <= found:
            why = "actor-missing"
        elif any(k in ("negation", "refusal") for k, _, _ in negs):
            why = "negated"
        elif g["type"] not in types:
            why = "no-trigger"
        elif same:
            why = "wrong-type"
        else:
            why = "rule"
        miss[why] += 1
        rows.append(f"MISSED {why:<13} {g['id']} {g['source']}-{g['target']} {g['type']}: {g['quote'][:90]}")
    fp = collections.Counter()
    for c in m["wrong"]:
        cs = sent_of(c["doc"], c["quote"])
        pair = {c["source"], c["target"]}
        here = [g for g in gold if g["doc"] == c["doc"] and B.overlap(B.spans(texts[g["doc"]], g["quote"]), cs)]
        if any({g["source"], g["target"]} == pair and g["type"] == c["type"] for g in gold
               if g["doc"] == c["doc"]):
            why = "repeated"
        elif any({g["source"], g["target"]} == pair and g["type"] == c["type"] for g in every
                 if g["doc"] != c["doc"]):
            why = "other-doc"
        elif any({g["source"], g["target"]} == pair for g in here):
            why = "wrong-type"
        elif here:
            why = "wrong-pair"
        else:
            why = "no-tie"
        fp[why] += 1
        rows.append(f"EXTRA  {why:<13} {c['source']}-{c['target']} {c['type']}: {c['quote'][:90]}")
    print(B.line("extract (rules)", m, 0).rsplit("verbatim", 1)[0])
    print("missed:", dict(miss.most_common()), " false positives:", dict(fp.most_common()))
    # ceilings: what the score would be if a whole class of errors were fixed, recall unchanged
    tp, n_c, n_g = m["matched"], m["candidates"], m["curated"]

    def f1(t, c):
        return 2 * t / (c + n_g) if c + n_g else 0
    print(f"ceilings at this recall ({m['recall']:.2f}): F1 {f1(tp, tp):.2f} with no false positive at all; "
          f"{f1(tp, n_c - fp['repeated']):.2f} without the 'repeated' ones; "
          f"{f1(tp, n_c - fp['repeated'] - fp['other-doc']):.2f} without 'repeated' and 'other-doc'")
    beyond = miss["actor-missing"] + miss["no-trigger"]
    print(f"misses no sentence rule on these tables can reach (actor-missing + no-trigger): {beyond} "
          f"of {n_g} curated ties; recall ceiling {(n_g - beyond) / n_g:.2f}, F1 ceiling "
          f"{2 * (n_g - beyond) / (2 * n_g - beyond):.2f} at precision 1")
    if "--list" in argv:
        print("\n".join(sorted(rows)))


if __name__ == "__main__":
    main(sys.argv[1:])
