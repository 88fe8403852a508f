"""The names pipeline for a batch of documents: mentions → candidates → evidence → decision.

:func:`collect` runs the first three steps (the language model scores every surviving
candidate of every document in one batched call); :func:`decide` applies the decision.
Training (:mod:`mtqa.names.train`) calls :func:`collect` on synthetic documents, so the
check and the training see the same evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.entities.candidates import NAME_TOKEN, DocumentNames
from mtqa.gazetteer.keys import norm, ru_key
from mtqa.names.candidates import Proposal, Proposer
from mtqa.names.evidence import vector, zipf
from mtqa.names.mentions import MAX_COMMON_ZIPF, Covered, Mention, find_mentions

#: the language model re-reads a candidate only when the no-model decision gives it at
#: least this probability (a cascade: most candidates of clean text stop here)
LM_GATE = 0.05
#: candidates per mention kept after the no-model decision ranked them (the likeliest first),
#: and how many of those the language model re-reads at most
KEEP = 6
LM_TOP = 3
#: mentions of one spelling the model re-reads (its margin is their mean): the first; the
#: others share its verdict
MAX_MENTIONS_SCORED = 1
#: the model reads this many characters before a mention and after it (cut at spaces): the
#: words before the mention condition it, the margin is in the mention and what follows;
#: the document's other spellings reach the decision as evidence of their own
LEFT_CHARS = 80
RIGHT_CHARS = 40


@dataclass
class SourceLink:
    """A mention's link to a name of its aligned source sentence (``--source``)."""

    name: object  # mtqa.source.entities.SourceName
    distance: float  # normalised Russian-key distance (0: the same key)
    ok: bool  # the mention is one of the name's renderings
    case_form: bool  # the mention spells the source word's case form, not its nominative
    word_last: bool  # the link is the last word of a two-word mention ("Olaf Sholz" -> Шольц)
    roman: bool = False  # the mention's Russian key is the nominative's (a romanization of it)


@dataclass
class Group:
    """All mentions of one spelling in a document, and the candidates for them."""

    doc: int
    mention: Mention  # the first mention
    spans: list = field(default_factory=list)
    proposals: list = field(default_factory=list)
    vectors: list = field(default_factory=list)  # per proposal, no margin
    margins: list = field(default_factory=list)  # per proposal: nats, or None (not scored)
    suspect: bool = False
    src: "SourceLink | None" = None  # with the original: the name the mention stands for


@dataclass
class Verdict:
    group: Group
    proposal: Proposal
    probability: float
    margin: "float | None"
    vector: list
    spans: list = field(default_factory=list)  # the group's mentions this verdict reports
    follows: str = ""  # a surname alone: the full mention whose correction it follows
    p_rules: float = 0.0  # the no-model vector's probability
    p_full: "float | None" = None  # the full vector's (with the model, when it re-read the candidate)
    p_source: "float | None" = None  # the source vector's (a mention linked to a name of the original)


def _proposer(gaz):
    from mtqa.entities.lexicon import default_lexicon

    p = getattr(gaz, "_names_proposer", None)
    if p is None:
        p = Proposer(gaz, default_lexicon())
        gaz._names_proposer = p
    return p


def collect(docs, gaz, is_allowed, engine=None, decision=None) -> list[Group]:
    """Every mention group with candidates in ``docs``, with its evidence; with an ``engine``
    the language model's margins for the candidates the no-model decision lets through."""
    from mtqa.names.decision import default_decision

    decision = decision or default_decision()
    from mtqa.rules.casing_names import demonyms

    proposer = _proposer(gaz)
    index = gaz.index
    tokens = index.tokens

    demonym = demonyms()  # folded -> canonical, read once per process

    def is_common(form: str) -> bool:
        """A common English word, or a nationality ("Pakistani", "Filipinos"): not a name to correct."""
        return (zipf(form) >= MAX_COMMON_ZIPF and norm(form) not in tokens) or form.casefold() in demonym

    groups: list[Group] = []
    use_source = decision.has_source or getattr(decision, "collect_source", False)
    for di, doc in enumerate(docs):
        sources = _SourceNames(doc, gaz, proposer.lexicon) if use_source and doc.original is not None else None
        # what NAM001 corrects and NAM003 restyles is judged; an unverified transliteration
        # (NAM002, information only) is a mention like any other
        covered = Covered((h.start, h.end) for h in gaz.analyze(doc, is_allowed) if h.kind != "unverified")
        mentions = find_mentions(doc, covered, is_allowed, is_common)
        if not mentions:
            continue
        tokens_in_doc = [m.group(1) for m in NAME_TOKEN.finditer(doc.text)]
        names = DocumentNames(tokens_in_doc)
        words = frozenset(norm(t) for t in tokens_in_doc)
        # a run that is an accepted name ("Jannik Sinner") vouches for its words
        accepted = Covered((m.start, m.end) for m in mentions if m.pair and index.is_accepted(m.text))
        by_text: dict[str, Group] = {}
        for m in mentions:
            if not m.pair and accepted.overlaps(m.start, m.end):
                continue
            g = by_text.get(m.text)
            if g is None:
                g = by_text[m.text] = Group(di, m)
                after_the = doc.text[max(0, m.start - 4):m.start].lower() == "the "
                g.proposals = proposer.propose(m, names, after_the)
                g.suspect = (not m.pair) and proposer.suspect(m.text)
                if sources is not None:
                    g.src = sources.link(m)
                    if g.src is not None and not g.src.ok:
                        g.proposals = _with_source_proposals(m, g.src, g.proposals, proposer.lexicon)
                vs = [vector(m, p, doc.text, proposer.lexicon, g.suspect, words, None, g.src) for p in g.proposals]
                # the cascade's first step: the no-model decision ranks every candidate, the
                # likeliest few go on (to the language model, when there is one); a mention
                # linked to the original is ranked by the source vector, and keeps the
                # source's own spellings
                model = "source" if g.src is not None and decision.has_source else "rules"
                ranked = sorted(range(len(vs)), key=lambda j: (-decision.probability(vs[j], model=model),
                                                                g.proposals[j].form))
                ranked = ranked[:KEEP] + [j for j in ranked[KEEP:] if "source" in g.proposals[j].channels]
                g.proposals = [g.proposals[j] for j in ranked]
                g.vectors = [vs[j] for j in ranked]
                g.margins = [None] * len(g.proposals)
            g.spans.append((m.start, m.end))
        groups += [g for g in by_text.values() if g.proposals]
    if engine is not None and groups:
        _score(groups, docs, engine, decision)
    return groups


def _score(groups, docs, engine, decision) -> None:
    from mtqa.entities.verify import Query, margins

    queries, owners = [], []
    for gi, g in enumerate(groups):
        if g.src is not None and g.src.ok and decision.has_source:
            continue  # the original vouches for the spelling: nothing to re-read
        keep = [j for j, v in enumerate(g.vectors) if decision.probability(v, with_lm=False) >= LM_GATE][:LM_TOP]
        if not keep:
            continue
        forms = tuple(g.proposals[j].form for j in keep)
        for k, (a, b) in enumerate(g.spans[:MAX_MENTIONS_SCORED]):
            # the window stops before the next mention of the same spelling: a variant that
            # rewrote one mention and left the next would read as inconsistent
            nxt = g.spans[k + 1][0] if k + 1 < len(g.spans) else len(docs[g.doc].text)
            right = max(0, min(RIGHT_CHARS, nxt - b - 1))
            queries.append(Query(docs[g.doc].text, a, b, forms, LEFT_CHARS, right))
            owners.append((gi, keep))
    if not queries:
        return
    sums: dict[tuple[int, int], list[float]] = {}
    for (gi, keep), mg in zip(owners, margins(engine, queries)):
        for j, m in zip(keep, mg):
            sums.setdefault((gi, j), []).append(m)
    from mtqa.names.evidence import FEATURES

    # how many more tokens the candidate takes than the mention: a longer spelling loses log
    # probability for its length alone (the decision weighs the margin against it)
    keys = sorted(sums)
    words = [" " + s for gi, j in keys for s in (groups[gi].proposals[j].form, groups[gi].mention.text)]
    ids, _ = engine.encode(words)
    i_lm, i_pos, i_tok = FEATURES.index("lm"), FEATURES.index("lm_pos"), FEATURES.index("lm_dtok")
    i_lex, i_ent, i_entry = FEATURES.index("lm_lexicon"), FEATURES.index("lm_entry"), FEATURES.index("entry")
    for k, (gi, j) in enumerate(keys):
        g = groups[gi]
        ms = sums[(gi, j)]
        g.margins[j] = sum(ms) / len(ms)
        lm = max(-30.0, min(30.0, g.margins[j])) / 10.0
        v = list(g.vectors[j])
        v[i_lm] = lm
        v[i_pos] = max(0.0, lm)
        v[i_tok] = max(-10, min(10, len(ids[2 * k]) - len(ids[2 * k + 1]))) / 5.0
        v[i_ent] = lm if v[i_entry] else 0.0
        v[i_lex] = 0.0 if v[i_entry] else lm
        g.vectors[j] = v


def decide(groups, with_lm: bool, decision=None) -> list[Verdict]:
    """The reported verdicts: per group its likeliest candidate that reaches a threshold;
    where two groups' spans overlap (a two-word run and its surname), the likelier wins,
    the longer on a tie.  In document order.

    Without the model a candidate is judged by the no-model vector.  With it, by the full
    vector (the margin included) when the language model re-read it — and a candidate the
    no-model vector already reports stands: a 135M model's margin on a rare long name
    ("Saakashvili") is weak evidence against a gazetteer match with its first name, so the
    model adds findings and vetoes none.  Each vector keeps false alarms on clean news under
    a quarter of the budget (``python -m mtqa.names.train``).  The probability reported is the
    larger of the vectors that reached their threshold."""
    from mtqa.names.decision import default_decision

    decision = decision or default_decision()
    thr_rules, thr_full = decision.threshold(False), decision.threshold(True)
    best: list[Verdict] = []
    for g in groups:
        src_verdict = None
        if g.src is not None and decision.has_source:
            if g.src.ok:
                continue  # the original vouches for the spelling: a variant, never a garble
            src_verdict = _decide_source(g, decision)
        cands = []
        for p, v, m in zip(g.proposals, g.vectors, g.margins):
            rules = decision.probability(v, with_lm=False)
            prob = rules if rules >= thr_rules else -1.0
            full = None
            if with_lm and m is not None:
                full = decision.probability(v, with_lm=True)
                if full >= thr_full:
                    prob = max(prob, full)
            if prob >= 0:
                cands.append((prob, p, v, m if with_lm else None, rules, full))
        if cands:
            prob, p, v, m, rules, full = max(cands, key=lambda c: (c[0], c[1].form))
            if src_verdict is None or prob > src_verdict.probability:
                best.append(Verdict(g, p, prob, m, v, p_rules=rules, p_full=full))
                continue
        if src_verdict is not None:
            best.append(src_verdict)
    best += _linked(groups, best)
    taken: dict[int, list[tuple[int, int]]] = {}
    out = []
    for vd in sorted(best, key=lambda x: (-round(x.probability, 6), -(x.group.mention.end - x.group.mention.start),
                                          x.group.doc, x.group.mention.start)):
        spans = taken.setdefault(vd.group.doc, [])
        # the mentions a likelier (or longer) verdict already covers go with that one:
        # "Olaf Sholz" takes its own "Sholz", the surname alone later keeps its verdict
        vd.spans = [(a, b) for a, b in vd.group.spans if not any(a < e and s < b for s, e in spans)]
        if not vd.spans:
            continue
        spans.extend(vd.spans)
        out.append(vd)
    return sorted(out, key=lambda x: (x.group.doc, x.group.mention.start))


def _decide_source(g: Group, decision) -> "Verdict | None":
    """A mention linked to a name of the original, not one of its renderings: the source
    vector's verdict when it reaches its threshold.  :func:`decide` takes it or the target-only
    vectors' verdict, whichever is likelier (the original adds evidence; it vetoes only a
    spelling it vouches for, which is never reported)."""
    thr = decision.threshold(model="source")
    cands = []
    for p, v in zip(g.proposals, g.vectors):
        ps = decision.probability(v, model="source")
        if ps >= thr:
            cands.append((ps, p, v))
    if not cands:
        return None
    ps, p, v = max(cands, key=lambda c: (c[0], c[1].form))
    return Verdict(g, p, ps, None, v, p_rules=decision.probability(v, with_lm=False), p_source=ps)


class _SourceNames:
    """The names of a document's original, sentence by sentence, and the link of a mention to
    one of the names of its aligned source sentences."""

    def __init__(self, doc, gaz, lexicon):
        from mtqa.source.view import view

        self.doc = doc
        self.view = view(doc)
        self._names: dict[int, list] = {}
        self._renderer = _renderer(gaz, lexicon)

    def names(self, i: int) -> list:
        got = self._names.get(i)
        if got is None:
            from mtqa.source.entities import source_names

            orig = self.view.original
            a, b = self.view.src[i]
            got = source_names(orig.text[a:b], orig.language)
            for n in got:
                n.start, n.end = n.start + a, n.end + a
                self._renderer.render(n, orig.language)
            self._names[i] = got
        return got

    def link(self, m) -> "SourceLink | None":
        if self.view is None:
            return None
        from mtqa.source.entities import link

        ti = self.doc.sentence_index(m.start)
        cands = [n for i in self.view.source_for(ti) for n in self.names(i)]
        if not cands:
            return None
        word_last = False
        got = link(m.text, cands)
        if got is None and m.pair:
            got, word_last = link(m.text.split()[-1], cands), True
        if got is None:
            return None
        sn, d = got
        form = m.text.split()[-1] if word_last else m.text
        ok = sn.accepts(form)
        case_form = (not ok) and norm(sn.surface) != norm(sn.lemma) and ru_key(form) == ru_key(sn.surface)
        roman = ru_key(form) == ru_key(sn.lemma)
        return SourceLink(sn, d, ok, case_form, word_last, roman)


def _renderer(gaz, lexicon):
    from mtqa.source.entities import Renderer

    r = getattr(gaz, "_source_renderer", None)
    if r is None:
        r = gaz._source_renderer = Renderer(gaz, lexicon)
    return r


#: how many of a source name's spellings become candidates, and what each channel costs
SOURCE_TOP = 3
_SOURCE_COST = {"gazetteer": 0.0, "lexicon": 0.5, "romanized": 1.0, "lexicon1": 1.5}


def _with_source_proposals(m, src: SourceLink, proposals: list, lexicon) -> list:
    """The candidates with the linked source name's best spellings added (channel ``source``)."""
    by_norm = {norm(p.form): p for p in proposals}
    words = m.text.split()
    for s, (channel, prior) in list(src.name.spellings.items())[:SOURCE_TOP]:
        form = " ".join([*words[:-1], s]) if src.word_last else s
        k = norm(form)
        if not k or k == norm(m.text):
            continue
        p = by_norm.get(k)
        if p is None:
            sp = lexicon.lookup(form)
            p = by_norm[k] = Proposal(form, prior=max((x.prior for x in sp), default=0.0))
            proposals = [*proposals, p]
        p.channels["source"] = min(p.channels.get("source", 9.0), _SOURCE_COST[channel])
    return proposals


def _linked(groups, verdicts) -> list[Verdict]:
    """A surname standing alone follows its full mention: after "Liz Tras" → "Liz Truss", the
    document's "Tras" (no verdict of its own) → "Truss", at the full mention's probability."""
    decided = {(v.group.doc, v.group.mention.text) for v in verdicts}
    out = []
    for v in verdicts:
        if not v.group.mention.pair:
            continue
        last, fixed = v.group.mention.text.split()[-1], v.proposal.form.split()[-1]
        if norm(last) == norm(fixed):
            continue
        for g in groups:
            if g.doc == v.group.doc and not g.mention.pair and g.mention.text == last \
                    and (g.doc, last) not in decided:
                p = Proposal(fixed, {"document": 0.0}, v.proposal.lookup, v.proposal.entry, 0, v.proposal.prior)
                out.append(Verdict(g, p, v.probability, v.margin, v.vector, follows=v.group.mention.text,
                                   p_rules=v.p_rules, p_full=v.p_full))
    return out
