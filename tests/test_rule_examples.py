"""Every rule's documented examples: should-flag texts produce a finding of
that rule, should-pass texts produce none."""

import pytest

from mtqa import Checker, Config
from mtqa.rules import all_rules
from mtqa.rules.source import example_document

RULES = [r for r in all_rules() if "fluency" not in r.needs]
FLAG = [(r.code, ex) for r in RULES for ex in r.flag_examples]
PASS = [(r.code, ex) for r in RULES for ex in r.pass_examples]


def _codes(code: str, text: str) -> list[str]:
    # a source-aware rule's example is "original ||| translation": checked with its original
    checker = Checker(Config(select=[code], fluency=False))
    return [f.code for f in checker.check_document(example_document(text)).findings]


def test_every_rule_documents_examples():
    for r in RULES:
        assert r.flag_examples and r.pass_examples, r.code
        assert r.__doc__ and len(r.doc()) > 80, r.code


@pytest.mark.parametrize("code,text", FLAG, ids=[f"{c}-flag-{i}" for i, (c, _) in enumerate(FLAG)])
def test_flag_example(code, text):
    assert code in _codes(code, text)


@pytest.mark.parametrize("code,text", PASS, ids=[f"{c}-pass-{i}" for i, (c, _) in enumerate(PASS)])
def test_pass_example(code, text):
    assert code not in _codes(code, text)
