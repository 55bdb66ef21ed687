"""schema.org `JobPosting` for an offer's page (read by search engines' job listings)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from compagnon.careers.models import ContractKind, Offer, WorkPlace

EMPLOYMENT_TYPE = {
    ContractKind.PERMANENT: "FULL_TIME",
    ContractKind.FIXED_TERM: "TEMPORARY",
    ContractKind.POSTDOC: "TEMPORARY",
    ContractKind.FREELANCE: "CONTRACTOR",
    ContractKind.INTERNSHIP: "INTERN",
}


def job_posting(offer: Offer, request: HttpRequest) -> dict[str, Any]:
    organisation = offer.organisation
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": offer.title,
        "description": offer.description,
        "datePosted": (offer.published_at or offer.created_at).date().isoformat(),
        "validThrough": offer.expires_on.isoformat(),
        "employmentType": EMPLOYMENT_TYPE.get(ContractKind(offer.contract), "OTHER"),
        "hiringOrganization": {"@type": "Organization", "name": organisation.name},
        "url": request.build_absolute_uri(offer.get_absolute_url()),
        "skills": [skill.tag.label for skill in offer.skills.all()],
        "inLanguage": offer.language,
    }
    if organisation.website:
        data["hiringOrganization"]["sameAs"] = organisation.website
    if offer.base_id and offer.base:
        data["jobLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": offer.base.city,
                "addressCountry": offer.base.country,
            },
        }
    if offer.work_place == WorkPlace.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
    if offer.salary_min or offer.salary_max:
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": "YEAR"}
        if offer.salary_min:
            value["minValue"] = offer.salary_min
        if offer.salary_max:
            value["maxValue"] = offer.salary_max
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "EUR", "value": value}
    return data
