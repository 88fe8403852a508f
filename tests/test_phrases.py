"""Phrase rules PHR001 (garbled disclaimers) and PHR002 (calques) on real sentences."""

import re

import pytest

from mtqa import Checker, Config


def phr(text, code):
    return [(f.text, f.suggestion) for f in Checker(Config(select=[code], fluency=False)).check_text(text).findings]


@pytest.mark.parametrize("text,found,suggestion", [
    ("to terrorists “Islamic state” (business in Russia).", "business in Russia", "banned in Russia"),
    ("Members of Jabhat al-Nusra (activity banned in Russia) fled.", "activity banned in Russia", "banned in Russia"),
    ("The Taliban (banned in the Russian Federation) sent a delegation.", "banned in the Russian Federation",
     "banned in Russia"),
    ("The movement (the activities of the organization are prohibited in the RF) rallied.",
     "the activities of the organization are prohibited in the RF", "banned in Russia"),
    ("The group (prohibited in Russia) claimed it.", "prohibited in Russia", "banned in Russia"),
    ("ISIS (a terrorist organization, banned in the Russian Federation) attacked.",
     "a terrorist organization, banned in the Russian Federation", "a terrorist organization banned in Russia"),
    ("The FBK (recognized as extremist and banned in the RF) protested.",
     "recognized as extremist and banned in the RF", "designated extremist and banned in Russia"),
    ("The Meduza website (recognized as a foreign agent) reported it.", "recognized as a foreign agent",
     "designated a foreign agent"),
    ("Dozhd (performing the functions of a foreign agent) aired it.",
     "performing the functions of a foreign agent", "designated a foreign agent"),
    ("Radio Liberty (included in the register of foreign agents) said.",
     "included in the register of foreign agents", "listed as a foreign agent"),
    ("The foundation (recognised as an undesirable organisation) closed.",
     "recognised as an undesirable organisation", "designated an undesirable organization"),
    ("Instagram (Meta is recognized as extremist and banned in Russia) was blocked.",
     "Meta is recognized as extremist and banned in Russia", "Meta's activities are designated extremist and banned in Russia"),
])
def test_garbled_disclaimers(text, found, suggestion):
    assert phr(text, "PHR001") == [(found, suggestion)]


@pytest.mark.parametrize("text", [
    "The Islamic State group (banned in Russia) claimed the attack.",
    "Meduza (designated a foreign agent) reported it.",
    "The group (designated a terrorist organization and banned in Russia) denied it.",
    "Exxon (which has a large business in Russia) declined to comment.",
    "He spent years (mostly in Russia) writing the book.",
    "The company (founded in Russia in 1992) grew fast.",
    "Sales (excluding business in Russia and Belarus) rose 4 percent.",
    "Jabhat al-Nusra (Syrian branch of al-Qaeda, the activities of the group banned in Russia) fought on.",
])
def test_clean_brackets_pass(text):
    assert phr(text, "PHR001") == []


def test_disclaimer_keeps_a_capital():
    assert phr("The group (Banned in the Russian Federation) spoke.", "PHR001") == [
        ("Banned in the Russian Federation", "Banned in Russia")]


@pytest.mark.parametrize("text,found,suggestion", [
    ("Putin will meet with Kerry deep in the second half of the day on Thursday.",
     "deep in the second half of the day", "late in the afternoon"),
    ("Deep in the second half of the day on Thursday President Putin will host Kerry.",
     "Deep in the second half of the day", "Late in the afternoon"),
    ("The talks will resume in the first half of the day.", "in the first half of the day", "in the morning"),
    ("The ministry promised an answer in the nearest future.", "in the nearest future", "in the near future"),
    ("A criminal case was opened on the fact of his death.", "on the fact of", "into"),
])
def test_calques(text, found, suggestion):
    assert phr(text, "PHR002") == [(found, suggestion)]


@pytest.mark.parametrize("text", [
    "Putin will meet Kerry late on Thursday afternoon.",
    "The second half of the season was a disappointment.",
    "Talks will resume in the near future.",
    "In the first half of the year, sales rose.",
])
def test_calques_pass_native_english(text):
    assert phr(text, "PHR002") == []


def test_calque_confidence_is_below_the_default_fix_threshold():
    f = Checker(Config(select=["PHR002"], fluency=False)).check_text(
        "They met in the second half of the day.").findings
    assert f and all(x.confidence < 0.8 for x in f)


def test_allow_list_silences_a_phrase():
    text = "The group (business in Russia) said."
    assert Checker(Config(select=["PHR"], fluency=False, allow=["business in Russia"])).check_text(text).findings == []


def test_disclaimer_message_quotes_what_the_finding_covers_and_suggests():
    """The message, the span and the suggestion agree: an editor (or a LanguageTool client) that
    replaces the quoted text with the quoted house style gets the fixed sentence."""
    text = "Fighters of the Islamic State (business in Russia) fled; Meduza (recognized as a foreign agent) said."
    findings = Checker(Config(select=["PHR001"], fluency=False)).check_text(text).findings
    assert len(findings) == 2
    for f in findings:
        quoted = re.findall(r"'([^']*)'", f.message)
        assert quoted == [f.text, f.suggestion], f.message
        assert text[f.start - 1] == "(" and text[f.end] == ")"  # the brackets stay outside the span
