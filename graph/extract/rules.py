"""Candidate ties from text with spaCy's tokenizer, sentence splitter and rule matchers.

The pipeline is ``spacy.blank("en")`` + the sentencizer + a lemma step that looks each lower-cased
word up in spacy-lookups-data's English table. Actors are found with a ``PhraseMatcher`` on the
exact words of data/extract/actors.csv (longest match wins); triggers, grade cues and negations
with a ``PhraseMatcher`` on lemmas. Which actors a trigger links, and in which direction, comes
from where they stand (see :meth:`Extractor._parties`); when a trained English pipeline with a
dependency parser is installed (e.g. ``en_core_web_sm``), its parse decides the direction instead
and ``engine`` says so.
"""

import math
import re
from dataclasses import dataclass


__all__ = ["Extractor", "Candidate"]

_BASE = {"arms_transfer": 3, "technology_transfer": 3, "security_commitment": 3,
         "military_cooperation": 2, "military_exercise": 2, "trade": 2, "energy": 2,
         "sanctions": 2, "hostile_act": 2, "diplomatic": 1, "political_support": 1}
ALWAYS_DIRECTED = {"arms_transfer", "technology_transfer", "sanctions", "hostile_act"}
_GRADE_RANK = {"confirmed": 0, "reported": 1, "assessed": 2, "speculated": 3}
_JOINERS = {",", "and", "&", "its", "their", "–", "—", "-", "/", "the", "’s", "'s", "’", "as", "well", "or", "both"}
_SOURCE_PREPS = {"from", "by"}
# the forces or government an actor's name or demonym qualifies: "Russia’s navy and China",
# "North Korean troops and Russian forces" are still the actors named together
_FORCES = {"navy", "navies", "army", "armies", "military", "militaries", "force", "forces", "troops",
           "warships", "bombers", "government", "governments"}


def _joined(tokens):
    """Whether the tokens between two actors' names join them ("and", ", ", "’s navy and")."""
    words = [t.lower_ for t in tokens]
    if all(w in _JOINERS for w in words):
        return True
    return (all(w in _JOINERS or w in _FORCES for w in words)
            and any(w in ("and", "or", "&") for w in words))


_POSSESSIVE = {"’s", "'s", "’", "'"}
_AGREEMENT = {"agree", "agreement", "pledge"}
_BE = {"be", "is", "are", "was", "were", "been", "being"}
_BOUNDARY = {";", ":", "that", "which", "who", "while", "whereas", "but", "because", "although",
             "however", "(", ")"}
_REPORTING = {"said", "say", "says", "announced", "announce", "stated", "confirmed", "confirm",
              "warned", "claimed", "reported", "declared", "noted"}
_SUBORDINATORS = {"as", "since", "when", "after", "before", "unless", "if", "though"}
_FRONTING = {"during", "after", "before", "in", "on", "at", "following", "upon", "since", "with"}
_SAYING = {"declared", "commented", "vowed", "pledged", "insisted", "added", "argued", "noted",
           "made clear", "clear", "promised", "stressed", "emphasized", "emphasised", "reaffirmed",
           "reiterated", "affirmed"}
_GERUND_PREPS = {"by", "after", "before", "while", "through", "without", "instead"}
_PLACE_PREPS = {"in", "for", "at", "during", "within", "over", "across", "near", "toward",
                "towards", "through", "inside", "throughout"}
_ATTRIBUTE_STOP = {"and", "or", "to", "of", "in", "for", "with", "by", "from", "on", "at", "against",
                   "than", "as", "the", "a", "an", "its", "their", "nor", "but", "be", "is", "are",
                   "was", "were", "been", "has", "have", "had", "will", "would", "may", "can"}
_PLACE = "(place)"  # the match label of places.csv forms: longest match wins, then dropped
_MAX_GAP = 18
_OBJECT_GAP = 16  # a verb cue's goods stand this many words after it at most ("sent … shells")
_NEAR = 3  # an undirected cue's party after it stands this close ("an ally of the United States")
_HISTORY = 3  # how many paragraphs (headings included) a reference may reach back
_LEAD = re.compile(r"^(?:[”\"’)\]]+\s*|REF\b\s*|[-*•]\s+|\d{1,2}[.)]\s+)+")  # also a list item's marker


def trig_sorted(trig):
    """(row, start, end, None) of each trigger match, in text order."""
    return sorted(((r, a, b, None) for r, a, b in trig), key=lambda t: (t[1], t[2]))


def _heading(paragraph):
    """A title, menu or byline line: short and not ending a sentence."""
    p = paragraph.strip()
    return len(p.split()) < 15 and not p.endswith((".", "!", "?", "”", '"', "REF", ".)"))


@dataclass
class Candidate:
    source: str
    target: str
    type: str
    directed: bool
    polarity: str
    confidence: str
    start: str
    end: str
    quote: str
    quote_at: int
    trigger: str
    rule: str
    score: float
    date_note: str
    weight: float
    tag: str = ""
    value: str = ""
    unit: str = ""
    section: str = ""  # the heading whose opening run holds the sentence (see extract())


class Extractor:
    """Build the spaCy pipeline and matchers from the cue tables once; then :meth:`extract` texts."""

    def __init__(self, tables):
        import spacy
        from spacy.lookups import load_lookups
        from spacy.matcher import PhraseMatcher
        self.tables = tables
        self.engine = "rules"
        self.parser = None
        try:
            if spacy.util.is_package("en_core_web_sm"):
                self.parser = spacy.load("en_core_web_sm", exclude=["ner"])
                self.engine = "dependency parse (en_core_web_sm)"
        except Exception:  # a broken model install: stay with the rules
            self.parser = None
        nlp = spacy.blank("en")
        infixes = list(nlp.Defaults.infixes) + [r"[–—]"]
        nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
        # a footnote marker glued to the end of a sentence ("since 2012.REF During") is its own
        # token, so the full stop before it ends the sentence
        suffixes = [r"(?<=[.!?”\"])REF"] + list(nlp.Defaults.suffixes)
        nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
        nlp.add_pipe("sentencizer")
        self.nlp = nlp
        table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self._lemmas = {}
        self._table = table

        self.actor_info = {}
        self.actor_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        forms, self.demonyms = {}, set()
        for r in tables.actors:
            self.actor_info.setdefault(r["id"], r)
            forms.setdefault(r["id"], []).append(r["form"])
            if r["form_kind"] == "demonym":
                self.demonyms.add(r["form"])
        for actor_id, fs in forms.items():
            # a non-breaking space inside a name ("North\u00a0Korea") is a token of its own
            fs = fs + [f.replace(" ", "\u00a0") for f in fs if " " in f]
            self.actor_matcher.add(actor_id, list(nlp.tokenizer.pipe(fs)))
        if tables.places:  # "South China Sea": a place whose name holds an actor's (places.csv)
            places = [r["form"] for r in tables.places]
            places += [f.replace(" ", "\u00a0") for f in places if " " in f]
            self.actor_matcher.add(_PLACE, list(nlp.tokenizer.pipe(places)))

        def lemma_docs(cues):
            return [self._lemmatize(d) for d in nlp.tokenizer.pipe(cues)]

        self.trigger_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.triggers = {}
        for i, r in enumerate(tables.triggers):
            key = f"T{i}"
            self.triggers[key] = r
            self.trigger_matcher.add(key, lemma_docs([r["cue"], r["cue"].lower()]))
        self.cue_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.cues = {}
        for i, r in enumerate(tables.grades):
            self.cues[f"G{i}"] = ("grade", r["grade"], r["cue"])
            self.cue_matcher.add(f"G{i}", list(nlp.tokenizer.pipe([r["cue"]])))
        for i, r in enumerate(tables.negations):
            self.cues[f"N{i}"] = (r["kind"], r["kind"], r["cue"])
            self.cue_matcher.add(f"N{i}", list(nlp.tokenizer.pipe([r["cue"]])))
        self.ref_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.refs = {}
        for i, r in enumerate(tables.references):
            self.refs[f"R{i}"] = {"group": 0, "speaker": -1}.get(r["count"], None)
            if r["count"].startswith("earlier:"):
                self.refs[f"R{i}"] = r["count"][8:]  # "the alliance": NATO, when named before
            elif self.refs[f"R{i}"] is None:
                self.refs[f"R{i}"] = int(r["count"])
            self.ref_matcher.add(f"R{i}", list(nlp.tokenizer.pipe([r["cue"]])))
        self.date_patterns = tables.date_patterns()
        self.summary_headings = [r["heading"] for r in tables.sections if r["kind"] == "summary"]
        self._date_cache, self._semis, self._carry, self._asides, self._coord = {}, None, (), None, {}
        self._cues_here = []

    # ------------------------------------------------------------------ pipeline
    def _lemmatize(self, doc):
        cache, table = self._lemmas, self._table
        for tok in doc:
            low = tok.lower_
            lemma = cache.get(low)
            if lemma is None:
                lemma = low
                for _ in range(3):  # to a fixed point: meetings → meeting → meet, as the cue "meeting"
                    nxt = table.get(lemma, lemma)
                    nxt = nxt if isinstance(nxt, str) else nxt[0]
                    if nxt == lemma:
                        break
                    lemma = nxt
                cache[low] = lemma
            tok.lemma_ = lemma
        return doc

    def paragraphs(self, text):
        """``[(offset, paragraph text)]``: the non-blank lines of ``text``."""
        out, pos = [], 0
        for line in text.split("\n"):
            if line.strip():
                out.append((pos, line))
            pos += len(line) + 1
        return out

    def extract(self, text, article_date):
        """Every candidate in ``text`` (a list of :class:`Candidate`), in text order.

        ``article_date`` is ISO (``2024``, ``2024-04`` or ``2024-04-05``); it dates ties whose
        sentence and paragraph give no date, and anchors "last September" and bare months.
        """
        from spacy.tokens import Span
        from spacy.util import filter_spans
        out = []
        paras = self.paragraphs(text)
        strings = self.nlp.vocab.strings
        docs = self.nlp.pipe((p for _, p in paras), batch_size=64)
        history = []  # actor ids each of the last paragraphs named, in order (references look back)
        groups = []  # (paragraph number, actor ids named together) of the last paragraphs
        section, run, run_ended = "", 0, False
        for n_para, ((offset, para), doc) in enumerate(zip(paras, docs)):
            actors = sorted(filter_spans([Span(doc, a, b, label=m)
                                          for m, a, b in self.actor_matcher(doc)]),
                            key=lambda sp: sp.start)
            actors = self._attributes(doc, [sp for sp in actors if sp.label_ != _PLACE])
            if _heading(para):
                history = (history + [[sp.label_ for sp in actors]])[-_HISTORY:]
                section, run = para.strip(), 0
                continue
            # a heading's opening run: its first paragraph, and while they are one sentence
            # each (bullets), the paragraphs after it; what follows is the body again
            n_sents = sum(1 for _ in doc.sents)
            if run > 0 and (n_sents > 1 or run_ended):
                section = ""
            run_ended = n_sents > 1
            run += 1
            self._lemmatize(doc)
            near = [g for k, g in groups if k >= n_para - _HISTORY]
            actors = self._resolve_references(doc, actors, [x for h in history for x in h], near,
                                              paras=history)
            history = (history + [[sp.label_ for sp in actors]])[-_HISTORY:]
            groups = (groups + [(n_para, g) for g in self._groups(doc, actors)])[-4:]
            trig = [(self.triggers[strings[m]], a, b) for m, a, b in self.trigger_matcher(doc)]
            cues = [(self.cues[strings[m]], a, b) for m, a, b in self.cue_matcher(doc)]
            para_date = None
            for sent in doc.sents:
                s0, s1 = sent.start, sent.end
                before = self._groups(doc, [sp for sp in actors if sp.end <= s0])
                self._carry = before[-1] if before else (near[-1] if near else ())
                in_s = [sp for sp in actors if s0 <= sp.start and sp.end <= s1]
                t_s = [t for t in trig if s0 <= t[1] and t[2] <= s1]
                if t_s and (len({sp.label_ for sp in in_s}) >= 2 or in_s and self._carry):
                    c_s = [c for c in cues if s0 <= c[1] and c[2] <= s1]
                    for c in self._sentence(sent, in_s, t_s, c_s, offset, article_date, para_date):
                        c.section = section
                        out.append(c)
                own = self._date_in(sent.text[self._lead_end(sent.text):], article_date, None)
                if own:
                    para_date = own
        return out

    def _resolve_references(self, doc, actors, history=(), groups=(), paras=()):
        """"the two countries", "the three leaders" (references.csv) stand for the last two or
        three distinct actors named before them in the paragraph, or, when it names fewer, in
        the paragraphs just before (``history``: their actor ids in order): one span per actor.
        A ``group`` reference ("the leaders", "they") stands for the last actors named together
        ("Japan, South Korea and the United States", or an earlier reference): in the paragraph,
        else the last of ``groups`` (those of the paragraphs just before). A count reference
        that no actor precedes in its paragraph stands for the nearest paragraph before
        (``paras``: the actor ids of each) that names exactly that many actors, when one does
        ("The Parties" after a paragraph naming Japan, the ROK and the U.S. are the two of the
        visit named before it)."""
        refs = sorted(self.ref_matcher(doc), key=lambda m: m[1])
        if not refs:
            return actors
        from spacy.tokens import Span
        out = list(actors)
        for m, a, b in refs:
            n = self.refs[self.nlp.vocab.strings[m]]
            if any(x.start < b and a < x.end for x in out):
                continue  # part of a name
            named_after = b + 1 < len(doc) and doc[b].lower_ == "of" and any(
                x.start in (b + 1, b + 2) for x in actors)  # "the three leaders of Japan, …"
            if named_after:
                continue
            if isinstance(n, str):  # "the alliance" is NATO only when NATO was named before it:
                # in its paragraph, or before it when its paragraph names no other actor first
                # (after "Japan, South Korea and the U.S." the alliance is theirs)
                named = [x.label_ for x in out if x.end <= a]
                if n in named or not named and n in history:
                    out.append(Span(doc, a, b, label=n))
                    out.sort(key=lambda sp: sp.start)
                continue
            if n == -1:  # "China declared that it opposed …": the subject of the report
                lab = self._speaker(doc, actors, a)
                if lab is None and doc[a].lower_ == "its":
                    lab = self._previous_subject(doc, actors, a)
                if lab:
                    out.append(Span(doc, a, b, label=lab))
                    out.sort(key=lambda sp: sp.start)
                continue
            if n == 0:
                before = self._groups(doc, [x for x in out if x.end <= a])
                labels = before[-1] if before else (groups[-1] if groups else ())
                out += [Span(doc, a, b, label=lab) for lab in labels]
                out.sort(key=lambda sp: sp.start)
                continue
            sent = doc[a].sent
            if b - a == 1 and len({x.label_ for x in actors if sent.start <= x.start < sent.end}) >= n:
                continue  # an adjective ("bilateral") in a sentence that names the parties itself
                # ("China’s bilateral trade with Russia"); a noun phrase ("the two leaders") is a
                # party of its own clause and is resolved
            if len({x.label_ for x in actors if x.end <= a}) < n:
                exact = next((p for p in reversed(paras) if len(set(p)) == n), None)
                if exact is not None:
                    labels = list(dict.fromkeys(exact))
                    out += [Span(doc, a, b, label=lab) for lab in labels]
                    out.sort(key=lambda sp: sp.start)
                    continue
            recent = []
            for lab in [x.label_ for x in reversed(actors) if x.end <= a] + list(reversed(history)):
                if lab not in recent:
                    recent.append(lab)
            if len(recent) >= n:
                out += [Span(doc, a, b, label=lab) for lab in reversed(recent[:n])]
                out.sort(key=lambda sp: sp.start)
        return sorted(out, key=lambda sp: sp.start)

    def _attributes(self, doc, actors):
        """Drop a demonym that only qualifies another actor's name ("Russian energy supplier
        Gazprom", "the Chinese state firm Huawei"): the name after it is the party. A state's
        name after it is no such name: "Russian troops attacked Ukraine" names two parties."""
        out = []
        for i, sp in enumerate(actors):
            nxt = actors[i + 1] if i + 1 < len(actors) else None
            if (sp.text in self.demonyms and nxt is not None and nxt.label_ != sp.label_
                    and self.actor_info.get(nxt.label_, {}).get("kind") != "state"
                    and 0 < nxt.start - sp.end <= 3
                    and all(t.is_alpha and t.lower_ not in _ATTRIBUTE_STOP
                            for t in doc[sp.end:nxt.start])):
                continue
            out.append(sp)
        return out

    @staticmethod
    def _speaker(doc, actors, a):
        """The actor a pronoun after "that" stands for when a reporting verb comes before it
        ("China … declared that because of …, it opposed"; "members of the U.S. Congress have
        commented that they are considering"): the sentence's first actor, named in its first
        six words. None when the pattern does not hold."""
        sent = doc[a].sent
        that = next((k for k in range(a - 1, max(sent.start, a - 14) - 1, -1)
                     if doc[k].lower_ == "that"), None)
        if that is None and a > sent.start and (doc[a - 1].lower_ in _REPORTING
                                                or doc[a - 1].lower_ in _SAYING):
            that = a  # "Iran said it sent drones": a report without "that"
        if that is None or any(doc[k].text in (";", ":") for k in range(that, a)):
            return None
        if not any(doc[k].lower_ in _REPORTING or doc[k].lower_ in _SAYING
                   for k in range(max(sent.start, that - 4), that)):
            return None
        verb = max(k for k in range(max(sent.start, that - 4), that)
                   if doc[k].lower_ in _REPORTING or doc[k].lower_ in _SAYING)
        subject = [x for x in actors if sent.start <= x.start and x.end <= verb and verb - x.end <= 2
                   and not any(t.lower_ in ("and", "or", ",") for t in doc[x.end:verb])]
        # ("… Russia’s invasion of Ukraine and declared that …": a second verb of the subject)
        if subject:  # "…, and Washington reaffirmed that its treaty": the verb's own subject
            return subject[-1].label_
        first = next((x for x in actors if sent.start <= x.start < that), None)
        if first is None or first.start - sent.start > 6:
            return None
        return first.label_

    @staticmethod
    def _previous_subject(doc, actors, a):
        """The actor "its" stands for when it opens its sentence ("Its trade with China grew",
        "In 2023, its trade …"): the subject of the sentence before, in the same paragraph — an
        actor among its first three words, alone (not "China and Russia"). None otherwise."""
        sent = doc[a].sent
        head = [t for t in doc[sent.start:a] if not (t.is_punct or t.like_num)]
        if len(head) > 2 or sent.start == 0:
            return None  # "Its" after at most a short fronted phrase ("In 2023, its …")
        if any(x.start < a and x.start >= sent.start for x in actors):
            return None
        prev = doc[sent.start - 1].sent
        first = [x for x in actors if prev.start <= x.start < prev.end]
        if not first or first[0].start - prev.start > 2:
            return None
        if len(first) > 1 and first[1].start - first[0].end <= 2:
            return None  # "China and Russia …": no single subject
        return first[0].label_

    @staticmethod
    def _groups(doc, spans):
        """The actor ids of each run of two or more distinct actors named together, in order."""
        out, run, last = [], [], None
        for sp in spans:
            joined = last is not None and (sp.start == last.start or (
                sp.start - last.end <= 4 and _joined(doc[last.end:sp.start])))
            if not joined:
                if len(set(run)) >= 2:
                    out.append(tuple(dict.fromkeys(run)))
                run = []
            run.append(sp.label_)
            last = sp
        if len(set(run)) >= 2:
            out.append(tuple(dict.fromkeys(run)))
        return out

    # ------------------------------------------------------------------ one sentence
    def _sentence(self, sent, actors, trig, cues, offset, article_date, para_date):
        doc = sent.doc
        s0, s1 = sent.start, sent.end
        inside = {i for sp in actors for i in range(sp.start, sp.end)}
        found = []
        objects = [(r, a, b) for r, a, b in trig if r["role"] == "object"]
        # "drone components", "drone engines": goods that only qualify the goods right after
        # them (the head noun) are those goods; the head says what is shipped
        objects = [(r, a, b) for r, a, b in objects
                   if not any(a2 == b and r2["type"] != r["type"] for r2, a2, b2 in objects)]
        plan = []
        for r, a, b in trig:
            if r["role"] == "object" or any(a <= i < b for i in inside):
                continue
            if a in self._aside(sent.doc, s0, s1):
                continue  # ", which included the delivery of rockets,": the aside describes
                # the act of its sentence, it states no tie of its own
            if any(a2 <= a and b <= b2 and b2 - a2 > b - a and r2["role"] != "object"
                   and r2["type"] != r["type"]
                   for r2, a2, b2 in trig):
                continue  # "technological support": the longer cue says what the word means
            obj = None
            if r["role"] == "verb":
                lo, hi = self._clause(doc, s0, s1, a)
                # the goods after the verb ("exported crude"), or just before a participle
                # ("Russian crude exported to China")
                obj = next(((o, oa, ob) for o, oa, ob in objects
                            if o["type"] == r["type"] and lo <= oa < hi
                            and (b <= oa <= b + _OBJECT_GAP or 0 <= a - ob < 3)), None)
                if obj is None:
                    continue
            plan.append((r, a, b, obj))
        # "a partnership or alliance": a cue coordinated with the one before it is reached by
        # what reaches that one (a negation: "rather than a partnership or alliance")
        ends = {}
        for r, a, b, obj in trig_sorted(trig):
            ends.setdefault(b, a)
        self._coord = {}
        for r, a, b, obj in trig_sorted(trig):
            if a - 1 in ends and doc[a - 1].lower_ in ("or", "and", "nor"):
                head = ends[a - 1]
                self._coord[a] = self._coord.get(head, head)
        # a verb with its object ("exported crude") is more specific than the same word alone
        specific = {a for r, a, b, obj in plan if obj is not None}
        fired = {r["type"] for r, a, b, obj in plan if obj is not None}
        used = {oa for o, oa, ob in objects if o["type"] in fired}  # "shells" as goods, not "shelled"
        for r, a, b, obj in plan:
            if obj is None and (a in specific or a in used):
                continue
            if self._embedded(doc, a, b, actors, plan, r, s0, s1):
                continue
            self._cues_here = trig
            found.extend((a, r, c) for c in self._candidates(
                doc, sent, s0, s1, r, a, b, obj, actors, cues, offset, article_date, para_date))
        # "agreed to a plan of joint exercises": an agreement is typed by what it is about, when
        # a cue of another type follows it for the same pair
        content = {}
        for a, r, c in found:
            content.setdefault(frozenset((c.source, c.target)), []).append((a, c.type))
        return [c for a, r, c in found
                if not (r["cue"] in _AGREEMENT and c.type == "diplomatic"
                        and any(a2 > a and t != "diplomatic"
                                for a2, t in content[frozenset((c.source, c.target))]))]

    def _embedded(self, doc, a, b, actors, plan, r, s0, s1):
        """An act named by its actor's possessive ("Russia’s invasion of Ukraine", "Moscow’s
        brutal invasion") after another cue of its clause ("supported", "did not criticize",
        "responded to") is what that cue is about, not a new statement: no candidate of its own."""
        ends, starts = {sp.end for sp in actors}, {sp.start for sp in actors}
        k = next((k for k in (a - 1, a - 2) if k > s0 and doc[k].lower_ in _POSSESSIVE
                  and k in ends), None)
        if k is None:  # "the Russian invasion of Ukraine": a demonym after "the"
            owner = next((sp for sp in actors if sp.end in (a, a - 1) and sp.start > s0
                          and doc[sp.start - 1].lower_ == "the"), None)
            if owner is None:
                return False
            k = owner.end
            ends = ends | {k}
        lo, hi = self._clause(doc, s0, s1, a)
        if any(lo <= a2 < k and r2["type"] != r["type"] for r2, a2, b2, _ in plan):
            return True
        # "China and North Korea responded to Russia’s invasion of Ukraine": another actor
        # before the possessor, and the act has its own object ("of Ukraine")
        owner = next(sp for sp in actors if sp.end == k)
        before = [sp for sp in actors if lo <= sp.start and sp.end < owner.start
                  and sp.label_ != owner.label_]
        after = b < hi and doc[b].lower_ in ("of", "against", "on", "in") and (b + 1) in starts
        return bool(before) and after

    def _clause(self, doc, s0, s1, i):
        """The token range of the clause around token ``i``: semicolons end clauses."""
        held = self._semis  # (doc, s0, positions) of the last sentence asked about
        if held and held[0] is doc and held[1] == s0:
            semis = held[2]
        else:
            semis = [k for k in range(s0, s1) if doc[k].text == ";"]
            self._semis = (doc, s0, semis)
        lo = max([k + 1 for k in semis if k < i], default=s0)
        hi = min([k for k in semis if k >= i], default=s1)
        return lo, hi

    def _aside(self, doc, lo, hi):
        """Token positions of the asides wholly between ``lo`` and ``hi``: "— most likely the
        KN-23 —", "(AUKUS)", ", which included rockets," — a parenthesis the words around it
        read across. The asides of a paragraph are found once."""
        held = self._asides
        if held is None or held[0] is not doc:
            spans, k, n = [], 0, len(doc)
            if not any(m in doc.text for m in ("—", "–", "(", ", which", ", who")):
                n = 0  # no aside in the paragraph: skip the scan
            while k < n:
                t = doc[k].text
                close = {"—": "—", "–": "–", "(": ")"}.get(t)
                if t == "," and k + 1 < n and doc[k + 1].lower_ in ("which", "who"):
                    close = ","
                if close:
                    end = next((j for j in range(k + 1, min(n, k + 40)) if doc[j].text == close
                                or doc[j].text in (";", ":", ".")), None)
                    if end is not None and doc[end].text == close:
                        spans.append((k, end + 1 if close != "," else end))
                        k = end + (1 if close != "," else 0)
                        continue
                k += 1
            held = self._asides = (doc, spans)
        out = set()
        for a, b in held[1]:
            if lo <= a and b <= hi:
                out.update(range(a, b))
        return out

    def _group(self, doc, actors, pos, step, limit):
        """The actors nearest to token ``pos`` going left (step -1) or right (+1), with those
        coordinated with them ("China and Russia", "the U.S.–Japan–South Korea"); stops at a
        clause boundary. Returns (actor spans, preposition before the group or '')."""
        seq = actors if step > 0 else list(reversed(actors))
        group = []
        for sp in seq:
            if step > 0 and sp.start < pos or step < 0 and sp.end > pos:
                continue
            lo, hi = (pos, sp.start) if step > 0 else (sp.end, pos)
            aside = self._aside(doc, lo, hi) if lo < hi else ()
            between = [t for t in doc[lo:hi] if t.i not in aside] if aside else doc[lo:hi]
            if not group:
                if len(between) > _MAX_GAP or lo < limit[0] or hi > limit[1]:
                    break
                if any(t.lower_ in _BOUNDARY or t.lower_ in _REPORTING
                       and not (t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to") for t in between):
                    break  # ("Iran is said to have sent …": a hedge, not another clause's report)
                if any(t.lower_ in _SUBORDINATORS and t.i > 0 and doc[t.i - 1].text == ","
                       for t in between):
                    break  # ", as shown by …", ", as Russia and China …": another clause
                group.append(sp)
                continue
            last = group[-1]
            lo, hi = (last.end, sp.start) if step > 0 else (sp.end, last.start)
            if hi - lo > 4 or not _joined(doc[lo:hi]):
                break
            if step > 0 and not any(t.lower_ in ("and", "or", "&") for t in doc[lo:hi]) and any(
                    doc[k].lower_ in _REPORTING for k in range(sp.end, min(len(doc), sp.end + 4))
                    if not any(t.is_punct for t in doc[sp.end:k])):
                break  # "… to Russia, the Treasury Department said": the speaker of the
                # sentence, not a party listed with the one before it
            group.append(sp)
        if not group:
            return [], ""
        first = group[0]
        prep = ""
        if step > 0:
            before = doc[max(pos, first.start - 3):first.start]
            for t in before:
                if t.lower_ in ("from", "by", "to", "with", "against", "on", "of", "into", "between", "among"):
                    prep = t.lower_
        return sorted(group, key=lambda s: s.start), prep

    def _candidates(self, doc, sent, s0, s1, r, a, b, obj, actors, cues, offset, article_date,
                    para_date):
        typ = r["type"]
        lo, hi = self._clause(doc, s0, s1, a)
        end_tok = obj[2] if obj else b
        left, _ = self._group(doc, actors, a, -1, (lo, hi))
        ger = next((k for k in range(max(lo + 2, a - 6), a + 1) if doc[k].lower_.endswith("ing")
                    and (doc[k - 1].lower_ in _GERUND_PREPS or doc[k - 1].lower_.endswith("ly")
                         and doc[k - 2].lower_ in _GERUND_PREPS)), None)
        if ger is not None:
            # "China and North Korea responded to Russia’s invasion by providing support to
            # Russia": who provides is the subject of the clause, not the actor just before
            head = next((sp for sp in actors if lo <= sp.start < ger), None)
            if head is not None and head.start - lo <= 3:
                left = [sp for sp in self._group(doc, actors, head.start, +1, (lo, hi))[0]]
        if left and a - 1 > lo and doc[a - 1].lower_ == "and" and left[-1].end == a - 1:
            # "The Parties reaffirmed their commitment to the denuclearization of North Korea and
            # condemned …": a second verb of the clause's subject, not of the actor before "and"
            head = next((sp for sp in actors if lo <= sp.start < a), None)
            if head is not None and head.start - lo <= 3 and head.end < left[0].start:
                left = self._group(doc, actors, head.start, +1, (lo, hi))[0]
        right, prep = self._group(doc, actors, b, +1, (lo, hi))
        carried = False
        if (not left and right and lo == s0 and self._carry and prep not in _SOURCE_PREPS
                and (r["directed"] in ("true", "inverse") or typ in ALWAYS_DIRECTED)
                and not any(s0 <= sp.start < a for sp in actors)
                and not self._group(doc, actors, right[-1].end, +1, (lo, hi))[0]
                and not any(t.lower_ in ("its", "their", "his", "her") for t in doc[max(s0, a - 3):a])):
            # "Joint exercises … have been meant to intimidate Japan": the acts of the actors
            # last named together before this sentence (its subject is carried over)
            from spacy.tokens import Span
            left = [Span(doc, a, a, label=lab) for lab in self._carry
                    if lab not in {x.label_ for x in right}]
            carried = bool(left)
        if r["directed"] == "inverse" and typ == "diplomatic" and right and (
                right[0].start - b > _NEAR or right[-1].end < len(doc)
                and doc[right[-1].end].lower_ in _FORCES - {"government", "governments"}):
            right = []  # the visitor stands next to the host's verb ("hosted Kim", "received a
            # delegation from Peru"); not "welcomed the expansion of trade between Japan and …",
            # nor forces ("Poland hosts U.S. troops": no diplomatic tie)
        right2, prep2 = [], ""
        if right:
            right2, prep2 = self._group(doc, actors, right[-1].end, +1, (lo, hi))
            fronted = not left and (doc[lo].lower_ in _FRONTING or any(
                t.lower_ in ("its", "their") for t in doc[max(lo, a - 3):a]))
            if right2 and not fronted and any(t.text == "," for t in doc[right[-1].end:right2[0].start]):
                right2, prep2 = [], ""  # "… of Ukraine, sustained by North Korean munitions": a
                # phrase after a comma says something of its own, it is no party of this cue
                # ("During its attack on Chile, Peru …": "its" is the subject after the comma)
        # negation: a negation cue between the first party and the trigger
        first = left[0].start if left else lo
        for (kind, _, cue), ca, cb in cues:
            if kind == "negation" and first <= ca < end_tok and ca >= self._coord.get(a, a) - 6:
                return []
            if kind == "negation" and lo <= ca < first and cb < hi and doc[cb].lower_ == "that":
                return []  # "Officials denied that Iran sent drones to Russia": the whole
                # reported clause is denied
            if kind == "unnamed" and cb <= a and a - cb <= 1:
                return []  # "international sanctions": the acting side is not named
            if kind == "recommendation" and left and first <= ca < a and not any(
                    k2 == "continuation" and cb <= c2a <= cb + 2 for (k2, _, _), c2a, _ in cues):
                return []  # "Seoul should hold drills with Tokyo": advice, not a tie (unless it
                # asks to go on with one: "should continue", "must maintain")
        refusal = next(((cue, ca) for (kind, _, cue), ca, cb in cues if kind == "refusal"
                        and lo <= ca < hi), None)
        directed = r["directed"] in ("true", "inverse") or typ in ALWAYS_DIRECTED
        polarity = r["polarity"]
        passive = (a > s0 and doc[a - 1].lower_ in _BE and doc[a].lower_.endswith(("ed", "en", "nt"))
                   and doc[a].lower_ != doc[a].lemma_)
        how = "active"
        pairs = []
        if directed and left and right and not prep and not obj and right[0].start - b > _NEAR:
            right = []  # "… threatening behavior triggered a resurgence in U.S. …": not its target
        if (directed and left and right and any(b <= a2 and b2 <= right[0].start and r2["role"] != "object"
                                                for r2, a2, b2 in self._cues_here)):
            # "North Korea condemned the drill by the three countries": the "by" is the
            # drill's, the one who condemns is still the subject; "Bolivia condemned the
            # attack on Peru by Chile": the attacker is what is condemned
            if right2 and prep2 in _SOURCE_PREPS:
                right, right2, prep2 = right2, [], ""
            prep = "" if prep in _SOURCE_PREPS else prep
        if (directed and left and right2 and prep2 in _SOURCE_PREPS
                and any(left[-1].end <= a2 and b2 <= a and r2["role"] != "object"
                        for r2, a2, b2 in self._cues_here)):
            left = []  # "Bolivia condemned the attack on Peru by Chile": Bolivia is the
            # condemnation's party, the attack is Chile's on Peru
        if directed and refusal and left:
            # "Tokyo has rejected Beijing’s offer of a summit with Seoul": the offer is the
            # possessor's, and it goes to the one who refused it
            owner = left[-1]
            refusers = self._group(doc, actors, refusal[1], -1, (lo, hi))[0]
            if (refusers and refusal[1] < owner.start and owner.end < a
                    and any(doc[k].lower_ in _POSSESSIVE for k in range(owner.end, a))):
                left, right, prep, right2, prep2 = [owner], refusers, "to", [], ""
        if directed:
            if left and right:
                src, tgt = left, right
                if prep in _SOURCE_PREPS or passive and prep == "by":
                    src, tgt, how = right, left, f"'{prep}' marks the source"
                elif right2 and prep2 in _SOURCE_PREPS:
                    src, tgt, how = right2, left + right, f"'{prep2}' marks the source"
                elif passive and prep in ("to", "into"):
                    # "North Korean troops were deployed to Russia": what was moved is the
                    # subject's, and it goes to the party after "to"
                    how = f"passive, '{prep}' marks the target"
                elif passive:
                    how = "passive, no agent"
                    return []
            elif right and prep in ("between", "among") and len(right) >= 2:
                src, tgt, how = right[:1], right[1:], f"'{prep}': order of mention"
            elif right and right2:
                if prep in ("to", "against", "into", "on") and not prep2 and not any(
                        t.lower_ in _PLACE_PREPS for t in doc[max(s0, right2[0].start - 2):right2[0].start]):
                    src, tgt, how = right2, right, f"'{prep}' marks the target"
                elif prep2 in _SOURCE_PREPS:
                    src, tgt, how = right2, right, f"'{prep2}' marks the source"
                elif prep in _SOURCE_PREPS:
                    src, tgt, how = right, right2, f"'{prep}' marks the source"
                elif prep in ("to", "against", "into", "on"):
                    return []  # "the delivery of rockets to the Wagner Group … in Ukraine": the
                    # first party is marked the target, and nothing marks a source
                else:
                    src, tgt, how = right, right2, "noun, order of mention"
            else:
                return []
            if r["directed"] == "inverse" and (how == "active" or passive and how == "'by' marks the source"):
                # "Putin hosted Kim", "Russia received Iranian drones": the act goes to the
                # subject, from the party after the cue (unless "from" or "by" marks the source:
                # "received a delegation from Peru", "… led by Belousov")
                src, tgt, how = tgt, src, how + "; inverse cue: the subject receives"
            if refusal:
                polarity, typ, how = "adversarial", "diplomatic", f"refused ('{refusal[0]}')"
            pairs = [(s, t) for s in src for t in tgt if s.label_ != t.label_]
            if carried:
                how += "; subject carried over from the actors named together before"
        else:
            if left and right and right[0].start - b > _NEAR:
                right = []  # a party after the cue stands next to it ("a partnership with Peru")
            if not left and right and any(b <= a2 and b2 <= right[0].start and r2["role"] != "object"
                                          for r2, a2, b2 in self._cues_here):
                right = []  # "the meeting saw a condemnation of China": the party after another
                # cue is that cue's
            parties = left + right + (right2 if not left else [])
            if prep in ("between", "among", "by") and len({p.label_ for p in right}) >= 2:
                parties = right  # "cooperation between Moscow and Pyongyang": the cue names its
                # own parties; the subject ("The two sides condemned …") is no party of it
            if len({p.label_ for p in parties}) < 2:
                return []
            seen = []
            for p in parties:
                if p.label_ not in [q.label_ for q in seen]:
                    seen.append(p)
            pairs = [(x, y) for i, x in enumerate(seen) for y in seen[i + 1:]]
            how = "undirected"
            if refusal:
                return []
        if self.parser is not None and directed:
            pairs, how = self._parse_direction(sent, a, pairs, how)
        if not pairs:
            return []
        grade = self._grade(doc, cues, lo, hi, {p.label_ for pr in pairs for p in pr}, actors)
        start, end, note = self._date(sent, a, article_date, para_date)
        n = min(len(start or ""), len(article_date or ""))
        if n and start[:n] > article_date[:n]:  # compared at the coarser of the two precisions
            grade = "speculated"  # a tie dated after its article is only a possibility (the
            # dictionary: only speculated future events lie in the article's future)
        quote_span = doc[lo:hi] if (hi - lo) >= 6 and (lo > s0 or hi < s1) else sent
        quote = quote_span.text.strip(" ;")
        qstart = offset + quote_span.start_char + (len(quote_span.text) - len(quote_span.text.lstrip(" ;")))
        lead = _LEAD.match(quote)  # a closing quote mark or a footnote marker left by the splitter
        if lead and lead.end() < len(quote):
            quote, qstart = quote[lead.end():], qstart + lead.end()
        cut = self._lead_end(quote)  # "SEOUL, March 12 (Reuters) – ", "SPOKESPERSON: "
        quote, qstart = quote[cut:], qstart + cut
        cue_text = doc[a:b].text + (f" + {obj[0]['cue']} ({doc[obj[1]:obj[2]].text})" if obj else "")
        gap = max(abs(p.start - a) for pr in pairs for p in pr)
        score = round(max(0.1, (0.9 if r["role"] == "trigger" else 0.85) - 0.025 * max(0, gap - 2)), 2)
        tag = "[summit]" if typ == "diplomatic" and r["cue"] == "summit" else ""
        value, unit = self._quantity(quote, typ)
        out = []
        for x, y in pairs:
            w = _BASE[typ] * (2 if tag else 1)
            if value:
                from graph.extract.tables import UNIT_REF
                w *= min(3, max(0.5, 1 + 0.5 * math.log10(float(value) / UNIT_REF[unit])))
            elif end and start:
                w *= min(2, 1 + (int(end[:4]) - int(start[:4])) / 4)
            rule = (f"{typ} ← '{cue_text}'@{offset + doc[a].idx}; {'source' if directed else 'actor'} "
                    f"{x.label_}='{x.text}'@{offset + x.start_char}; {'target' if directed else 'actor'} "
                    f"{y.label_}='{y.text}'@{offset + y.start_char}; {how}")
            out.append(Candidate(x.label_, y.label_, typ, directed, polarity, grade, start, end,
                                 quote, qstart, doc[a:b].text, rule, score, note, round(w, 2), tag,
                                 value, unit))
        return out

    def _lead_end(self, text):
        """Where the sentence proper starts after a wire dateline ("SEOUL, March 12 (Reuters) –
        ") or a transcript's speaker label ("SPOKESPERSON: "), leads.csv: 0 when there is none."""
        cut = 0
        for row in self.tables.leads:
            lead = row["regex"].match(text, cut)
            if lead and lead.end() < len(text):
                cut = lead.end()
        return cut

    def _quantity(self, quote, typ):
        """The first amount in the quote a quantities.csv row reads for this type: (value, unit)."""
        scale = {"trillion": 1e12, "billion": 1e9, "million": 1e6, "thousand": 1e3}
        for r in self.tables.quantities:
            if typ not in r["types"].split(";"):
                continue
            m = r["regex"].search(quote)
            if not m:
                continue
            g = m.groupdict()
            num = float((g.get("num") or g.get("num2") or "0").replace(",", ""))
            if r["unit"] == "Mt":
                value = num  # the unit is already a million metric tons
            else:
                value = num * scale.get((g.get("scale") or "").lower(), 1)
            if value > 0:
                text = f"{value:.6f}".rstrip("0").rstrip(".")
                return text, r["unit"]
        return "", ""

    def _parse_direction(self, sent, a, pairs, how):
        """Use a trained parser's subject/agent to orient the pair, when one is installed."""
        parsed = self.parser(sent.text)
        rel = {}
        for tok in parsed:
            if tok.dep_ in ("nsubj", "agent", "pobj", "nsubjpass", "dobj"):
                rel[tok.idx] = tok.dep_ if tok.dep_ != "pobj" else (
                    "agent" if tok.head.lower_ in ("by", "from") else "pobj")
        base = sent.start_char
        out = []
        for x, y in pairs:
            dx = next((d for i, d in rel.items() if x.start_char - base <= i < x.end_char - base), "")
            dy = next((d for i, d in rel.items() if y.start_char - base <= i < y.end_char - base), "")
            if dy in ("nsubj", "agent") and dx in ("dobj", "pobj", "nsubjpass"):
                x, y = y, x
            out.append((x, y))
        return out, "dependency parse"

    def _grade(self, doc, cues, lo, end_tok, parties, actors):
        best = "confirmed"
        for (kind, grade, cue), ca, cb in cues:
            if kind != "grade" or not (lo <= ca < end_tok):
                continue
            if doc[ca].text == "May" and (not doc[ca].is_sent_start or any(
                    t.like_num for t in doc[max(0, ca - 1):ca + 2])):
                continue  # "on 14 May", "in May": the month, not the modal "may"
            if (grade == "reported" and ca > 0 and doc[ca - 1].lower_ == "that" and cb < len(doc)
                    and doc[cb].text == ","):
                continue  # "That said, …": a turn of phrase, nobody reports anything
            if grade == "reported" and doc[ca].lower_ in _REPORTING and ca > 0 and \
                    doc[ca - 1].lower_ == "and":
                continue  # "… condemned the tests and warned …": a second act of the same subject
            if grade == "reported" and doc[ca].lower_ in _REPORTING and not (
                    ca > 0 and doc[ca - 1].lower_ in _BE):  # "Iran is said to have …": nobody
                # named says it
                speaker = [sp for sp in actors if sp.end <= ca and ca - sp.end <= 4
                           and not any(t.is_punct for t in doc[sp.end:ca])]
                if speaker and speaker[-1].label_ in parties:
                    continue  # a party says it: on record
            if _GRADE_RANK[grade] > _GRADE_RANK[best]:
                best = grade
        return best

    # ------------------------------------------------------------------ dates
    def _date_in(self, text, article_date, anchor):
        key = (text, article_date)
        hits = self._date_cache.get(key)
        if hits is None:
            hits = []
            for name, rx in self.date_patterns:
                for m in rx.finditer(text):
                    if any(m.start() < e and s < m.end() for s, e, *_ in hits):
                        continue
                    value = self._date_value(name, m, article_date)
                    if value:
                        hits.append((m.start(), m.end(), name, value))
            if len(self._date_cache) > 512:
                self._date_cache.clear()
            self._date_cache[key] = hits
        if not hits:
            return None
        if anchor is None:
            return min(hits)[3]
        return min(hits, key=lambda h: (min(abs(h[0] - anchor), abs(h[1] - anchor)), h[0]))[3]

    def _date_value(self, name, m, article_date):
        from graph.extract.tables import MONTHS
        g = m.groupdict()
        ay = int(article_date[:4]) if article_date else None
        am = int(article_date[5:7]) if len(article_date or "") >= 7 else 12

        def month(v):
            v = v.rstrip(".")
            return next(i for n, i in MONTHS.items() if n.startswith(v))
        try:
            if name == "range":
                return (g["y1"], g["y2"], "")
            if name == "since":
                return (g["year"], "", "")
            if g.get("day") and g.get("month"):
                import datetime
                d = datetime.date(int(g["year"]), month(g["month"]), int(g["day"]))
                return (d.isoformat(), "", "")
            if g.get("month") and g.get("year"):
                return (f"{g['year']}-{month(g['month']):02d}", "", "")
            if name == "last_month" and ay:
                mo = month(g["month"])
                return (f"{ay if mo < am else ay - 1}-{mo:02d}", "", "relative to the article date")
            if name == "last_month_rel" and ay:
                mo = am - 1 if am > 1 else 12
                return (f"{ay if am > 1 else ay - 1}-{mo:02d}", "", "relative to the article date")
            if name == "last_year" and ay:
                return (str(ay - 1), "", "relative to the article date")
            if name == "this_year" and ay:
                return (str(ay), "", "relative to the article date")
            if name == "next_year" and ay:
                return (str(ay + 1), "", "relative to the article date (a future date)")
            if g.get("month") and ay:
                return (f"{ay}-{month(g['month']):02d}", "", "a month without a year: the article's year")
            if g.get("year"):
                return (g["year"], "", "")
        except (ValueError, StopIteration):
            return None
        return None

    def _date(self, sent, a, article_date, para_date):
        cut = self._lead_end(sent.text)  # a dateline's date is the article's, not the tie's
        anchor = sent.doc[a].idx - sent.start_char - cut
        own = self._date_in(sent.text[cut:], article_date, anchor)
        if own:
            start, end, note = own
            if end and end <= start:
                end = ""
            return start, end, note
        if para_date:
            return para_date[0], para_date[1], "dated by an earlier sentence of the paragraph"
        return (article_date[:7], "", "start = the article date (no date in the sentence or its "
                "paragraph): true as of the article, not begun then")
