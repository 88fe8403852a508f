from mtqa.document import Document
from mtqa.segment import segment


def sents(text):
    d = segment(Document("x", text))
    return [text[s.start:s.end] for s in d.sentences]


def test_abbreviations_and_datelines():
    assert sents("MOSCOW, July 13 (Reuters) - The U.S. Senate met Mr. Smith on Jan. 5 in St. Louis. He left.") == [
        "MOSCOW, July 13 (Reuters) - The U.S. Senate met Mr. Smith on Jan. 5 in St. Louis.", "He left."]


def test_quotes_and_said():
    assert sents("“We will go,” he said. “Then we leave.” Officials agreed.") == [
        "“We will go,” he said.", "“Then we leave.”", "Officials agreed."]


def test_us_at_sentence_end():
    assert sents("Troops left the U.S. The war was over.") == ["Troops left the U.S.", "The war was over."]


def test_initials_and_times():
    assert sents("J. K. Rowling spoke at 5 p.m. Monday. She left.") == [
        "J. K. Rowling spoke at 5 p.m. Monday.", "She left."]


def test_headline_without_final_punctuation_is_its_own_sentence():
    assert sents("Putin will meet with Kerry\n\nThe meeting is on Thursday.") == [
        "Putin will meet with Kerry", "The meeting is on Thursday."]


def test_hard_wrapped_paragraphs_are_joined():
    text = ("The minister said on Monday that the talks\nwould resume next week in Geneva, with\n"
            "delegations from both sides present at\nthe meeting and observers as well.\n\nNew paragraph here.")
    d = segment(Document("x", text))
    assert len(d.paragraphs) == 2
