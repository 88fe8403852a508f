"""Fuzzing ``mtqa fix`` (mtqa/fix.py, mtqa/commands/fix.py) with the real checker and rules.

Inputs are hypothesis text and, mostly, real news sentences (the rules'
documented examples, the seed story, the wire fixture story) into which
real machine-translation artifacts are spliced — garbled names, lower-cased
titles, garbled disclaimers, calques, typography slips, repeated words,
look-alike letters — with arbitrary Unicode around them: combining marks,
RTL controls, Cyrillic/Arabic, emoji, NUL, CRLF, lone surrogates, characters
whose case mapping or NFC form changes their length.

Invariants, for ``fixed, edits = fix_text(text, checker, min_confidence)``:

(a) no exception escapes;
(b) *nothing claimed fixed is still reported*: replaying the edits pass by
    pass gives, for every applied edit, the span its replacement text
    occupies in the final text (widened when a later edit overlapped it);
    re-checking the fixed text reports no finding of that edit's rule code
    that overlaps that span;
(c) idempotence: ``fix_text(fixed)`` changes nothing and applies no edit;
(d) outside the edited spans the text is unchanged, character for character
    (so byte for byte once encoded): the replay maps every changed region of
    the original to its region in the result, and every gap between regions
    is identical in both.

Every edit is of a fixable rule, at or above the threshold, and replaces
exactly the text its finding reported.  The fluency model is not loaded
(``fix`` does not need it).  Budgets scale with MTQA_FUZZ_SCALE.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, note
from hypothesis.control import currently_in_test_context
from hypothesis import strategies as st

from mtqa import Checker, Config
from mtqa.fix import MAX_PASSES, fix_text, fixable_codes

from fuzzsupport import ARTIFACTS, NOISE, budget, spliced_news, tick

CHECKER = Checker(Config(fluency=False))
FIXABLE = fixable_codes(CHECKER)


hypothesis_text = st.lists(st.one_of(st.sampled_from(ARTIFACTS), st.sampled_from(NOISE), st.text(max_size=10)),
                           max_size=25).map(" ".join)
fix_inputs = st.one_of(spliced_news(), spliced_news(), spliced_news(), hypothesis_text, st.text(max_size=200))
thresholds = st.sampled_from([0.8, 0.8, 0.0, 0.6, 0.9, 1.0])


# -- the replay ---------------------------------------------------------------------------------------

def _to_orig(regions, p: int) -> int:
    """Original offset of a current offset ``p`` that is not strictly inside a changed region."""
    return p - sum((ce - cs) - (oe - os) for os, oe, cs, ce in regions if ce <= p)


def replay(text: str, edits):
    """Apply the edits pass by pass, the way fix_text does, tracking where everything goes.

    Returns (result, claimed, regions): ``claimed`` is [code, start, end] per edit — the span its
    replacement occupies in the result; ``regions`` is [orig_start, orig_end, new_start, new_end] per
    maximal changed region, in order."""
    cur = text
    claimed: list[list] = []
    regions: list[list[int]] = []
    passes = sorted({e.pass_no for e in edits})
    assert passes == list(range(len(passes))) and len(passes) <= MAX_PASSES
    for p in passes:
        batch = [e for e in edits if e.pass_no == p]
        assert batch == sorted(batch, key=lambda e: (e.start, e.end))
        for a, b in zip(batch, batch[1:]):
            assert a.end <= b.start, "edits of one pass overlap"
        for e in reversed(batch):  # right to left, as apply() does
            assert cur[e.start:e.end] == e.old, "an edit does not replace the text its finding reported"
            d = len(e.new) - (e.end - e.start)
            for sp in claimed:
                if sp[2] <= e.start:
                    continue
                if sp[1] >= e.end:
                    sp[1] += d
                    sp[2] += d
                else:  # a later edit rewrote part of an earlier replacement: the claim covers both
                    sp[1] = min(sp[1], e.start)
                    sp[2] = max(sp[2], e.end) + d
            claimed.append([e.code, e.start, e.start + len(e.new)])
            merged = [r for r in regions if r[2] <= e.end and r[3] >= e.start]
            cs = min([e.start] + [r[2] for r in merged])
            ce = max([e.end] + [r[3] for r in merged])
            os_, oe = _to_orig(regions, cs), _to_orig(regions, ce)
            rest = []
            for r in regions:
                if r in merged:
                    continue
                if r[2] >= e.end:
                    r = [r[0], r[1], r[2] + d, r[3] + d]
                rest.append(r)
            rest.append([os_, oe, cs, ce + d])
            regions = sorted(rest, key=lambda r: r[2])
            cur = cur[:e.start] + e.new + cur[e.end:]
    return cur, claimed, regions


def check_fix_invariants(text: str, min_confidence: float = 0.8):
    # every fixable rule, gated or not (--unsafe-fixes): the invariants hold for all of them
    fixed, edits = fix_text(text, CHECKER, min_confidence, unsafe=True)  # (a)
    if currently_in_test_context():
        note(f"fixed={fixed!r}")
        note(f"edits={[(e.pass_no, e.code, e.start, e.old, e.new) for e in edits]}")
    for e in edits:
        assert e.code in FIXABLE and e.confidence >= min_confidence and e.new != e.old and e.end > e.start
    result, claimed, regions = replay(text, edits)
    assert result == fixed
    # (d) untouched outside the edited regions
    po = pn = 0
    for os_, oe, ns, ne in regions:
        assert 0 <= po <= os_ <= oe <= len(text) and 0 <= pn <= ns <= ne <= len(fixed)
        assert text[po:os_] == fixed[pn:ns]
        po, pn = oe, ne
    assert text[po:] == fixed[pn:]
    # (b) the re-check does not report what fix claims to have fixed
    findings = CHECKER.check_text(fixed).findings
    for code, s, e in claimed:
        still = [f for f in findings if f.code == code and f.start < e and f.end > s]
        assert not still, (f"{code} still reported on the fixed span {fixed[s:e]!r}: "
                           f"{[(f.start, f.end, f.text, f.suggestion, f.confidence) for f in still]}")
    # (c) idempotence
    again, more = fix_text(fixed, CHECKER, min_confidence, unsafe=True)
    assert more == [] and again == fixed
    return fixed, edits


@budget(1400)
@given(fix_inputs, thresholds)
@example("Кремль  .Кdzhebhat an-Nusra(banned in Russia) and others.", 0.8)  # found by the campaign
@example("He said the the the the the the the the the talks failed.", 0.8)
def test_fix_invariants(text, min_confidence):
    tick("fix: invariants (a)-(d)")
    check_fix_invariants(text, min_confidence)


# -- regressions found by this suite ------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 5, 9, 17, 40])
def test_long_runs_of_a_repeated_word_are_fixed_in_one_edit(n):
    text = "He said " + " ".join(["the"] * n) + " talks failed."
    fixed, edits = check_fix_invariants(text)
    assert fixed == "He said the talks failed."
    assert len(edits) == 1 and edits[0].code == "REP001"


def test_fixes_that_join_words_across_a_period_leave_no_mixed_script_word():
    """TYP001 removes the spaces in "Кремль  .Кdzhebhat", LNG003 and NAM001 fix the word after it:
    the result "Кремль.Jabhat" is two words with a space missing, not a word mixing scripts."""
    fixed, edits = check_fix_invariants("Кремль  .Кdzhebhat an-Nusra(banned in Russia) and others.")
    assert fixed == "Кремль.Jabhat al-Nusra(banned in Russia) and others."
    assert {e.code for e in edits} == {"TYP001", "LNG003", "NAM001"}
    assert not [f for f in CHECKER.check_text(fixed).findings if f.code == "LNG003"]


# -- the command on arbitrary bytes --------------------------------------------------------------------

def _cli(*args: str):
    from typer.testing import CliRunner

    import mtqa.commands.fix  # noqa: F401  (registers the command)
    from mtqa.cli import app

    return CliRunner().invoke(app, list(args), catch_exceptions=False)


byte_inputs = st.one_of(
    st.binary(max_size=200),
    st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf"]), fix_inputs, st.sampled_from(["\n", "\r\n"])).map(
        lambda t: t[0] + t[1].replace("\r\n", "\n").replace("\n", t[2]).encode("utf-8", "surrogatepass")),
)


@budget(60)
@given(byte_inputs)
def test_fix_command_on_arbitrary_bytes(tmp_path_factory, data):
    """`mtqa fix FILE -o OUT` and `--in-place`: exit 0 with the fixed text written with the input's BOM
    and newlines (and a second run changing nothing), or exit 2 with one line on stderr and nothing
    written; the input is never touched except by --in-place."""
    tick("fix: command on bytes")
    tmp = tmp_path_factory.mktemp("fix")
    src, out = tmp / "in.txt", tmp / "out.txt"
    src.write_bytes(data)
    r = _cli("fix", "--no-fluency", str(src), "-q", "-o", str(out))
    assert src.read_bytes() == data
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = data[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or data.lstrip(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"<"):
        assert r.exit_code == 2 and r.output.count("\n") == 1 and r.output.startswith("mtqa: error: ")
        assert not out.exists()
        return
    assert r.exit_code == 0, r.output
    expected, _ = fix_text(text, CHECKER)
    assert out.read_bytes() == bom + expected.encode("utf-8")
    # in place, twice: the second run changes nothing
    r = _cli("fix", "--no-fluency", str(src), "-q", "--in-place")
    assert r.exit_code == 0 and src.read_bytes() == bom + expected.encode("utf-8")
    r = _cli("fix", "--no-fluency", str(src), "-q", "--in-place")
    assert r.exit_code == 0 and src.read_bytes() == bom + expected.encode("utf-8")
    assert sorted(p.name for p in tmp.iterdir()) == ["in.txt", "out.txt"]  # no temp file left
