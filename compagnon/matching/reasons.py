"""The engine's reasons ("knows Causality (expert)"), in the reader's language.

The engine is pure and English; each `Match` also carries its reasons as
codes, e.g. ("knows", "causality", "expert"). This module turns a code into a
sentence with gettext and the tag's label in the active language. Invitations
store the codes (`CaseInvitation.reasons`), so an email to a French speaker
and the staff page in English both read naturally. A plain string (a reason
without a code) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import get_language, gettext, ngettext, pgettext

from compagnon.members.models import Language, Tag

# slug -> (French label, English label)
Labels = Mapping[str, tuple[str, str]]


def _level(level: str) -> str:
    return {
        "notions": pgettext("skill level", "notions"),
        "practitioner": pgettext("skill level", "practitioner"),
        "advanced": pgettext("skill level", "advanced"),
        "expert": pgettext("skill level", "expert"),
        "in profile": gettext("from their profile"),
    }.get(level, level)


def _language(code: str) -> str:
    return str(Language(code).label) if code in Language.values else code


def _base(slug: str) -> str:
    return slug.replace("-", " ").title()


def tag_labels(slugs: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Labels of these tags, in one query."""
    return {
        slug: (fr, en)
        for slug, fr, en in Tag.objects.filter(slug__in=set(slugs)).values_list(
            "slug", "label_fr", "label_en"
        )
    }


def _slugs_in(reasons: Iterable[Any]) -> set[str]:
    slugs: set[str] = set()
    for reason in reasons:
        if isinstance(reason, (list, tuple)) and reason:
            code, *args = reason
            if code in ("teaches", "knows", "wants_to_learn", "covers", "concepts"):
                slugs.add(args[0])
            elif code == "related":
                slugs.update((args[0], args[3]))
            elif code == "wants_to_learn_near":
                slugs.update(args[:2])
    return slugs


def reason_text(reason: Any, labels: Labels) -> str:
    """One reason, as a sentence in the active language."""
    if not isinstance(reason, (list, tuple)) or not reason:
        return str(reason)
    english = (get_language() or "fr").startswith("en")

    def tag(slug: str) -> str:
        fr_en = labels.get(slug)
        if fr_en is None:
            return slug
        return fr_en[1] if english else fr_en[0]

    code, *args = reason
    try:
        if code == "teaches":
            return gettext("teaches %(tag)s (%(level)s)") % {
                "tag": tag(args[0]),
                "level": _level(args[1]),
            }
        if code == "knows":
            return gettext("knows %(tag)s (%(level)s)") % {
                "tag": tag(args[0]),
                "level": _level(args[1]),
            }
        if code == "related":
            skill, level, sign, case_tag = args
            if sign == "⊃":
                text = gettext("knows %(skill)s (%(level)s), which includes %(tag)s")
            else:
                text = gettext("knows %(skill)s (%(level)s), a specialty of %(tag)s")
            return text % {"skill": tag(skill), "level": _level(level), "tag": tag(case_tag)}
        if code == "wants_to_learn":
            return gettext("wants to learn %(tag)s") % {"tag": tag(args[0])}
        if code == "wants_to_learn_near":
            return gettext("wants to learn %(skill)s (close to %(tag)s)") % {
                "skill": tag(args[0]),
                "tag": tag(args[1]),
            }
        if code == "concepts":
            terms = [str(term) for term in args[1:]]
            listed = (
                terms[0]
                if len(terms) == 1
                else gettext("%(first)s and %(last)s")
                % {"first": ", ".join(terms[:-1]), "last": terms[-1]}
            )
            return gettext("the profile mentions %(terms)s (%(tag)s)") % {
                "terms": listed,
                "tag": tag(args[0]),
            }
        if code == "mentions":
            return gettext("profile mentions: %(words)s") % {"words": ", ".join(map(str, args))}
        if code == "other_organisation":
            return gettext("from another organisation than the case's")
        if code == "based_in":
            return gettext("based in %(base)s") % {"base": _base(args[0])}
        if code == "remote":
            return gettext("can join remotely")
        if code == "other_base":
            return gettext("based elsewhere than %(base)s") % {"base": _base(args[0])}
        if code == "speaks":
            return gettext("speaks %(language)s") % {"language": _language(args[0])}
        if code == "does_not_speak":
            return gettext("does not speak %(language)s") % {"language": _language(args[0])}
        if code == "research":
            if args and args[0] == "resident":
                return gettext("resident: the case welcomes research")
            return gettext("researcher: the case welcomes research")
        if code == "load":
            count = int(args[0])
            return ngettext(
                "already invited once this month",
                "already invited %(count)d times this month",
                count,
            ) % {"count": count}
        if code == "covers":
            return gettext("covers %(tag)s") % {"tag": tag(args[0])}
    except (IndexError, TypeError, ValueError):
        pass
    return " ".join(map(str, reason))


def reasons_text(reasons: Sequence[Any], labels: Labels | None = None) -> list[str]:
    """Sentences for a list of reasons (codes or strings); reads tag labels if not given."""
    if labels is None:
        slugs = _slugs_in(reasons)
        labels = tag_labels(slugs) if slugs else {}
    return [reason_text(reason, labels) for reason in reasons]


def reasons_stored(match_reasons: Sequence[str], codes: Sequence[Sequence[Any]]) -> list[Any]:
    """What an invitation keeps: the codes when the engine gave them, else the sentences."""
    if codes and len(codes) == len(match_reasons):
        return [list(code) for code in codes]
    return list(match_reasons)
