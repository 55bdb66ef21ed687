import pytest
from hypothesis import given
from hypothesis import strategies as st

from compagnon.escape.answers import answer_problems, is_correct, normalise, parse_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  L\u2019Âge  du   Client. ", "l'age du client"),
        ("ÉCOLE", "ecole"),
        ("«sales_units»", "sales_units"),
        ("", ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@given(st.text(max_size=60))
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0,63", 0.63),
        ("46.7 %", 46.7),
        ("1 200,5", 1200.5),
        ("1\u202f200", 1200.0),
        ("-3", -3.0),
        ("1e3", 1000.0),
        ("abc", None),
        ("1,2,3", None),
        ("nan", None),
        ("inf", None),
        ("", None),
    ],
)
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


def test_exact_accepts_synonyms_without_case_accents_or_spaces():
    rule = {"accept": ["first_account_years|ancienneté bancaire"]}
    assert is_correct("exact", rule, "First_Account_Years")
    assert is_correct("exact", rule, "  anciennete   BANCAIRE ")
    assert not is_correct("exact", rule, "first_account")


def test_set_needs_every_item_and_nothing_else():
    rule = {"items": ["b", "c", "f|eff"]}
    assert is_correct("set", rule, "F, b et C")
    assert is_correct("set", rule, "c; eff and B")
    assert not is_correct("set", rule, "b, c")
    assert not is_correct("set", rule, "b, c, f, a")
    assert not is_correct("set", rule, "b, b, c")


def test_number_with_tolerance_and_decimal_comma():
    rule = {"value": 11.25, "tolerance": 0.3}
    assert is_correct("number", rule, "11,25")
    assert is_correct("number", rule, "11.5 %")
    assert not is_correct("number", rule, "11.6")
    assert not is_correct("number", rule, "onze")
    assert is_correct("number", {"value": 29}, "29")
    assert not is_correct("number", {"value": 29}, "29.01")


def test_pattern_matches_the_whole_normalised_answer():
    rule = {"regex": r"(version\s*)?v?\s*2\.3(\.0)?"}
    assert is_correct("pattern", rule, "V2.3")
    assert is_correct("pattern", rule, "version 2.3.0")
    assert not is_correct("pattern", rule, "v2.3.1")
    assert not is_correct("pattern", rule, "v2.4.0 not v2.3")


@pytest.mark.parametrize(
    ("rule", "answer"),
    [
        ("exact", {"accept": []}),
        ("exact", ["x"]),
        ("set", {"items": ["only one"]}),
        ("number", {"value": "abc"}),
        ("number", {"value": 1, "tolerance": -1}),
        ("pattern", {"regex": "(unclosed"}),
        ("nonsense", {}),
    ],
)
def test_unplayable_rules_are_named(rule, answer):
    assert answer_problems(rule, answer)


def test_playable_rules_pass():
    assert answer_problems("exact", {"accept": ["x"]}) == []
    assert answer_problems("set", {"items": ["a", "b"]}) == []
    assert answer_problems("number", {"value": 1, "tolerance": 0.1}) == []
    assert answer_problems("pattern", {"regex": "a+"}) == []
