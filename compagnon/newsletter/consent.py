"""The consent texts a subscriber agrees to, versioned in code.

A version is never edited once it has been shown: a change of wording is a new
version, and every ConsentRecord names the version (and language) its person saw.
The texts are literal strings, not gettext messages, so a translator's edit cannot
silently change what a past subscriber agreed to.
"""

from __future__ import annotations

from django.utils.translation import get_language

CONSENT_TEXTS: dict[str, dict[str, str]] = {
    "2026-11": {
        "en": (
            "I agree to receive the club's newsletter (about one issue a month: new posts "
            "and public workshops) at this address. The club keeps my address, my language "
            "and the record of this consent for as long as I am subscribed, shares them with "
            "no one, and every issue has a one-click unsubscribe link."
        ),
        "fr": (
            "J'accepte de recevoir la lettre d'information du club (environ un numéro par "
            "mois : nouveaux articles et ateliers publics) à cette adresse. Le club conserve "
            "mon adresse, ma langue et la trace de ce consentement tant que je suis abonné(e), "
            "ne les transmet à personne, et chaque numéro contient un lien de désabonnement "
            "en un clic."
        ),
    },
}
CURRENT_VERSION = "2026-11"


def consent_text(version: str = CURRENT_VERSION, language: str | None = None) -> str:
    texts = CONSENT_TEXTS[version]
    language = (language or get_language() or "fr")[:2]
    return texts.get(language, texts["fr"])
