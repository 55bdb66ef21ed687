"""The completion certificate as a PDF (WeasyPrint), with its public verification address."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from compagnon.learning.models import Certificate


def certificate_verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + certificate.get_verify_url()


def certificate_pdf(certificate: Certificate) -> bytes:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    html = render_to_string(
        "learning/certificate_pdf.html",
        {
            "certificate": certificate,
            "verify_url": certificate_verify_url(certificate),
            "site_name": settings.SITE_NAME,
        },
    )
    # No base_url: the page has no external resource, so nothing is fetched.
    stylesheet = CSS(filename=finders.find("learning/certificate.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
