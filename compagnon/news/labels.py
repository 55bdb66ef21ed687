"""The same blog tag or author in French and in English: one record, two labels.

Posts written in both languages named them twice (« ateliers » / « workshops »,
« Équipe du club » / « Club staff »). These pairs are known from the start; staff add
others by giving a tag or an author its English name in the admin. Imports and the staff
form then find the one record under either name (services.tags_get_or_create,
services.author_get_or_create), and migration 0004 merged the pairs already there.
"""

from __future__ import annotations

TAG_PAIRS: tuple[tuple[str, str], ...] = (
    ("ateliers", "workshops"),
    ("atelier", "workshop"),
    ("événements", "events"),
    ("événement", "event"),
    ("équipe", "team"),
    ("données", "data"),
    ("conseils", "tips"),
    ("membres", "members"),
    ("actualités", "news"),
    ("recherche", "research"),
    ("éthique", "ethics"),
    ("équité", "fairness"),
    ("prévision", "forecasting"),
    ("santé", "health"),
    ("apprentissage automatique", "machine learning"),
    ("science ouverte", "open science"),
    ("logiciel libre", "free software"),
    ("bénévolat", "volunteering"),
    ("conférences", "talks"),
    ("partenaires", "partners"),
)
AUTHOR_PAIRS: tuple[tuple[str, str], ...] = (
    ("Équipe du club", "Club staff"),
    ("L'équipe", "The team"),
    ("Bureau du club", "Club board"),
)


def english_of(french: str, pairs: tuple[tuple[str, str], ...]) -> str:
    key = french.strip().casefold()
    return next((en for fr, en in pairs if fr.casefold() == key), "")


def french_of(english: str, pairs: tuple[tuple[str, str], ...]) -> str:
    key = english.strip().casefold()
    return next((fr for fr, en in pairs if en.casefold() == key), "")
