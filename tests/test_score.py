"""`mtqa score` gives exactly the sacrebleu command line's numbers, with its signatures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_mtqa

SCORE = Path(__file__).parent / "fixtures" / "wire" / "score"
HYP, REF, REF2 = SCORE / "hyp.txt", SCORE / "ref.txt", SCORE / "ref2.txt"
SACREBLEU = [sys.executable, "-m", "sacrebleu"]


def sacrebleu_cli(*args):
    r = subprocess.run([*SACREBLEU, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("refs", [[REF], [REF, REF2]], ids=["one-ref", "two-refs"])
def test_corpus_scores_equal_sacrebleu_cli(refs):
    cli = json.loads(sacrebleu_cli(*refs, "-i", HYP, "-m", "bleu", "chrf", "ter", "-w", "4"))
    ref_args = [a for r in refs for a in ("--ref", r)]
    r = run_mtqa("score", HYP, *ref_args, "--format", "json", "-w", "4")
    assert r.returncode == 0, r.stderr
    ours = json.loads(r.stdout)
    assert ours["segments"] == 10 and ours["references"] == [str(x) for x in refs]
    assert [(s["name"], s["score"], s["signature"]) for s in ours["scores"]] == \
        [(c["name"], c["score"], c["signature"]) for c in cli]
    # text output: sacrebleu's own line per metric; -b values equal too
    text = run_mtqa("score", HYP, *ref_args, "-w", "4").stdout.splitlines()
    plain = json.loads(sacrebleu_cli(*refs, "-i", HYP, "-m", "bleu", "chrf", "ter", "-b", "-w", "4"))
    assert [float(line.split(" = ")[1].split()[0]) for line in text] == plain
    assert text[0].startswith("BLEU|nrefs:") and "tok:13a" in text[0] and "version:" in text[0]


@pytest.mark.parametrize("metric", ["bleu", "chrf", "ter"])
def test_segment_scores_equal_sacrebleu_sentence_level(metric):
    cli = sacrebleu_cli(REF, "-i", HYP, "-m", metric, "--sentence-level", "-b", "-w", "4").split()
    r = run_mtqa("score", HYP, "--ref", REF, "--metrics", metric, "--segments", "--format", "json", "-w", "4")
    rows = json.loads(r.stdout)["segment_scores"]
    assert [row["segment"] for row in rows] == list(range(10))
    assert [row[metric] for row in rows] == [float(x) for x in cli]


def test_default_width_matches_cli_default():
    cli = json.loads(sacrebleu_cli(REF, "-i", HYP, "-m", "bleu", "chrf", "ter"))
    ours = json.loads(run_mtqa("score", HYP, "--ref", REF, "--format", "json").stdout)
    assert [s["score"] for s in ours["scores"]] == [c["score"] for c in cli]
    assert all(isinstance(s["exact"], float) for s in ours["scores"])


def test_errors_exit_2(tmp_path):
    short = SCORE / "short.txt"
    r = run_mtqa("score", HYP, "--ref", short)
    assert r.returncode == 2
    assert r.stderr.strip() == (f"mtqa: error: {short}: has 3 lines but the hypothesis {HYP} has 10; "
                                "scoring needs one reference line per hypothesis line")
    r = run_mtqa("score", HYP, "--ref", tmp_path / "missing.txt")
    assert r.returncode == 2 and "missing.txt: no such file or directory" in r.stderr
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9\n".encode("latin-1"))
    r = run_mtqa("score", bad, "--ref", REF)
    assert r.returncode == 2 and "latin1.txt: not valid UTF-8" in r.stderr
    r = run_mtqa("score", HYP, "--ref", REF, "--metrics", "bleu,meteor")
    assert r.returncode == 2 and "unknown metric 'meteor'" in r.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    r = run_mtqa("score", empty, "--ref", REF)
    assert r.returncode == 2 and "empty file" in r.stderr


def test_attach_chrf_and_reference_resolver(tmp_path):
    from sacrebleu.metrics import CHRF

    from mtqa import Checker, Config
    from mtqa.reference import ReferenceResolver, attach_chrf
    from mtqa.readers import ReadOptions

    hyp = HYP.read_text(encoding="utf-8")
    ref = REF.read_text(encoding="utf-8")
    rep = Checker(Config(fluency=False)).check_text(hyp, source="hyp.txt")
    value = attach_chrf(rep, ref)
    assert value == round(CHRF().sentence_score(hyp, [ref]).score, 4) and 0 < value < 100
    assert rep.extra["chrf"] == value
    from mtqa.formatters.json_format import document_dict

    assert document_dict(rep)["summary"]["chrf"] == value
    # a reference tree mirroring the input tree; JSONL records matched by line
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "refs" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "a.txt").write_text(hyp, encoding="utf-8")
    (tmp_path / "refs" / "sub" / "a.txt").write_text(ref, encoding="utf-8")
    lines_h = hyp.splitlines()
    lines_r = ref.splitlines()
    (tmp_path / "in" / "b.jsonl").write_text("".join(json.dumps({"body": h}) + "\n" for h in lines_h[:3]))
    (tmp_path / "refs" / "b.jsonl").write_text("".join(json.dumps({"body": r}) + "\n" for r in lines_r[:3]))
    res = ReferenceResolver([str(tmp_path / "in")], str(tmp_path / "refs"), ReadOptions())
    got = {}
    for item in Checker(Config(fluency=False)).check_paths([str(tmp_path / "in")]):
        got[(Path(item.document.source).name, item.document.record)] = res.text_for(item)
    assert got[("a.txt", None)] == ref
    assert got[("b.jsonl", 2)] == lines_r[1]
    single = ReferenceResolver([str(HYP)], str(REF))
    assert single.text_for(rep) == ref


def test_check_ref_adds_chrf_to_the_json_report(tmp_path):
    from sacrebleu.metrics import CHRF

    r = run_mtqa("check", HYP, "--ref", REF, "--no-fluency", "--format", "json")
    doc = json.loads(r.stdout)["documents"][0]
    want = CHRF().sentence_score(HYP.read_text(encoding="utf-8"), [REF.read_text(encoding="utf-8")]).score
    assert doc["summary"]["chrf"] == round(want, 4)
    r = run_mtqa("check", HYP, "--ref", tmp_path / "nope.txt", "--no-fluency")
    assert r.returncode == 2 and "--ref" in r.stderr


def _hand_corrected(seed: str) -> str:
    """A reference made by hand-correcting the seed's garbles, re-flowed onto other lines."""
    fixed = (seed.replace("deep in the second half of the day", "late in the afternoon")
             .replace("Deep in the second half of the day", "Late in the afternoon")
             .replace("dzhebhat an-Nusra", "Jabhat al-Nusra").replace("Dzhebhat EN-Nusra", "Jabhat al-Nusra")
             .replace("Josh Ernest", "Josh Earnest").replace("White house", "White House")
             .replace("(business in Russia)", "(banned in Russia)"))
    assert fixed != seed
    words = fixed.split()
    return "\n".join(" ".join(words[i:i + 12]) for i in range(0, len(words), 12)) + "\n"


def test_check_ref_and_score_document_report_the_same_document_chrf(tmp_path):
    from conftest import SEED

    seed = SEED.read_text(encoding="utf-8")
    ref = tmp_path / "ref.txt"
    ref.write_text(_hand_corrected(seed), encoding="utf-8")
    r = run_mtqa("check", SEED, "--ref", ref, "--no-fluency", "--format", "json")
    assert r.returncode == 1, r.stderr  # the seed has errors; the gate is unchanged by --ref
    from_check = json.loads(r.stdout)["documents"][0]["summary"]["chrf"]
    r = run_mtqa("score", SEED, "--ref", ref, "--document", "--metrics", "chrf", "--format", "json", "-w", "4")
    assert r.returncode == 0, r.stderr  # line counts differ: --document does not need them aligned
    (score,) = json.loads(r.stdout)["scores"]
    assert score["name"] == "chrF2" and score["score"] == from_check
    assert 80 < from_check < 100
    # the same definition, from the one module both commands use
    from mtqa.reference import CHRF_DECIMALS, document_chrf

    assert round(document_chrf(seed, ref.read_text(encoding="utf-8")), CHRF_DECIMALS) == from_check
    # plain `mtqa score` is corpus chrF by line: a different, documented number on multi-line text
    r = run_mtqa("score", HYP, "--ref", REF, "--metrics", "chrf", "--format", "json", "-w", "4")
    by_line = json.loads(r.stdout)["scores"][0]["score"]
    r = run_mtqa("check", HYP, "--ref", REF, "--no-fluency", "--format", "json")
    assert json.loads(r.stdout)["documents"][0]["summary"]["chrf"] != by_line
    r = run_mtqa("score", HYP, "--ref", REF, "--metrics", "chrf", "--segments", "--document")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--segments" in r.stderr


def _imports(path: Path) -> set[str]:
    import ast

    mods = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            mods.add(node.module)
        elif isinstance(node, ast.Import):
            mods.update(a.name for a in node.names)
    return mods


def test_reference_metrics_live_in_one_module_without_an_import_cycle():
    root = Path(__file__).resolve().parents[1] / "mtqa"
    # cli uses the metrics module, never the score command's module; the metrics module
    # depends on neither the CLI nor any command
    assert "mtqa.reference" in _imports(root / "cli.py")
    assert not any(m.startswith("mtqa.commands.score") for m in _imports(root / "cli.py"))
    assert not any(m == "mtqa.cli" or m.startswith("mtqa.commands") for m in _imports(root / "reference.py"))
    score_imports = _imports(root / "commands" / "score.py")
    assert "mtqa.reference" in score_imports and not any(m.startswith("sacrebleu") for m in score_imports)
    # both import orders work in a fresh interpreter, and the metrics module alone loads no CLI or sacrebleu
    for order in (["mtqa.commands.score", "mtqa.cli"], ["mtqa.cli", "mtqa.commands.score"], ["mtqa.reference"]):
        code = ("import importlib, sys\n"
                f"for m in {order!r}: importlib.import_module(m)\n"
                "print(' '.join(sorted(m for m in ('mtqa.cli', 'sacrebleu') if m in sys.modules)))\n")
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                           cwd=Path(__file__).resolve().parents[1])
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == ("" if order == ["mtqa.reference"] else "mtqa.cli")
