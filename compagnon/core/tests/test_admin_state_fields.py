"""The admin is not a second door: no admin form edits a field that a service owns.

A *state field* is one whose change must go through a service because the
service locks, records or tells someone:
- any field named `status` / `state` (or ending in `_status` / `_state`);
- any timestamp named `*_at` (when something happened is the record of it);
- the fields listed in `SERVICE_OWNED` below: seats, attendance, answers,
  consent addresses, accounts' activity, scores… (names that do not say it).
A field that matches the names but is a plain setting is listed in
`EDITABLE_BY_DESIGN` with the reason. Everything else may be typed in the admin.

The test opens the change form (and the add form, when there is one) of every
registered ModelAdmin, inlines included, on the demo club's objects, as a
superuser (who sees the most), and fails on any editable state field. A model
with no row in the demo (one added later) has its change form read off its
ModelAdmin instead, so a new admin is checked from the day it is registered. A second
test shows the check bites: a naive RegistrationAdmin is caught.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

STATE_NAME = re.compile(r"(^|_)(status|state)$|_at$")

SERVICE_OWNED: dict[str, set[str]] = {
    # Seats are scarce: `workshops.registration` moves them under the workshop's lock.
    "workshops.registration": {"seat", "attendance", "attendance_marked_by", "person", "workshop"},
    "workshops.session": {"starts_at", "ends_at"},  # move the span, told to registrants
    "workshops.material": {"file"},  # size and type checked by material_add
    "cases.caseinvitation": {"answer", "answer_message", "volunteered", "person", "case"},
    "challenges.challenge": {"metric", "higher_is_better"},  # a change rescores everything
    "challenges.team": {"merged_into", "challenge"},
    "challenges.teammembership": {"user", "team"},
    "challenges.datafile": {"file", "size"},
    "challenges.submission": {"public_score", "private_score", "attempts", "selected_for_final"},
    "newsletter.subscriber": {"email"},  # what was consented for
    "newsletter.consentrecord": {"action", "source", "consent_version", "ip_hash"},
    "newsletter.mailing": {"recipients_count", "test_sent_to"},
    "newsletter.delivery": {"email"},
    "news.postimage": {"file"},  # checked for size and decompression bombs on import
    "accounts.user": {"is_active"},  # closing an account also ends its sessions
    "accounts.invitation": {"token", "email", "person"},
    "mfa.authenticator": {"data", "type", "user"},  # a second factor's secret
}

EDITABLE_BY_DESIGN: dict[str, set[str]] = {
    # When registration opens and closes: settings of the workshop, checked by its service.
    "workshops.workshop": {"registration_opens_at", "registration_closes_at"},
    # The challenge's dates: set by the organiser before it runs.
    "challenges.challenge": {"starts_at", "ends_at"},
    # A recruitment session's schedule, set up by staff; a booked slot cannot move
    # (careers.services.session_slot_check).
    "careers.recruitmentsession": {"starts_at", "ends_at"},
    "careers.sessionslot": {"starts_at", "ends_at"},
}

IGNORED_FORM_FIELDS = {"id", "DELETE", "ORDER"}


def _is_state(label: str, name: str) -> bool:
    if name in EDITABLE_BY_DESIGN.get(label, set()):
        return False
    return bool(STATE_NAME.search(name)) or name in SERVICE_OWNED.get(label, set())


def _editable(response) -> dict[str, set[str]]:
    """Model label -> the fields a person can type into on this admin page."""
    found: dict[str, set[str]] = defaultdict(set)
    adminform = response.context["adminform"]
    label = adminform.model_admin.model._meta.label_lower
    found[label] |= set(adminform.form.fields) - set(adminform.readonly_fields)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        inline_label = formset.model._meta.label_lower
        skip = IGNORED_FORM_FIELDS | set(inline.readonly_fields)
        if formset.fk is not None:
            skip.add(formset.fk.name)
        forms = list(formset.initial_forms) if inline.has_change_permission else []
        if inline.has_add_permission:
            forms.append(formset.empty_form)
        for form in forms:
            found[inline_label] |= set(form.fields) - skip
    return found


def _change_form_without_object(client, model_admin) -> set[str]:
    """A model the demo does not fill (a new one): its change form's fields, read off the admin."""
    request = RequestFactory().get("/")
    request.user = client.user
    form = model_admin.get_form(request, None, change=True)
    return set(form.base_fields) - set(model_admin.get_readonly_fields(request, None))


def state_field_problems(client, site: admin.AdminSite, url_name) -> list[str]:
    """Every editable state field on the change and add forms of `site`'s ModelAdmins."""
    problems: list[str] = []
    for model, model_admin in site._registry.items():
        label = model._meta.label_lower
        instance = model._default_manager.order_by("pk").first()
        pages = [("add", url_name(model, "add", None))]
        if instance is not None:
            pages.append(("change", url_name(model, "change", instance.pk)))
        else:
            for name in sorted(_change_form_without_object(client, model_admin)):
                if _is_state(label, name):
                    problems.append(f"{label} change form: {label}.{name} is editable")
        for kind, url in pages:
            response = client.get(url)
            if kind == "add" and response.status_code == 403:
                continue  # no add form: nothing to type into
            if response.status_code != 200:
                problems.append(f"{label} {kind}: HTTP {response.status_code}")
                continue
            for form_label, names in _editable(response).items():
                for name in sorted(names):
                    if _is_state(form_label, name):
                        problems.append(f"{label} {kind} form: {form_label}.{name} is editable")
    return problems


def _site_url(model, view: str, pk) -> str:
    info = (model._meta.app_label, model._meta.model_name)
    args = [pk] if pk is not None else []
    return reverse("admin:{}_{}_{}".format(*info, view), args=args)


@pytest.fixture
def club(db):
    """The demo club, plus one row of each model it does not make."""
    from allauth.mfa.models import Authenticator
    from django_tasks_db.models import DBTaskResult

    from compagnon.accounts.models import Invitation
    from compagnon.challenges.models import Team, TeamInvitation
    from compagnon.core.models import OutboundEmail
    from compagnon.members.models import Person
    from compagnon.site.demo.loader import demo_load_all

    demo_load_all()
    person = Person.objects.filter(user__isnull=False).order_by("pk").first()
    Group.objects.create(name="Animators")
    Invitation.objects.create(person=person, email="invited@example.org")
    OutboundEmail.objects.create(to=["a@example.org"], subject="Hello", body_text="Hi")
    team = Team.objects.order_by("pk").first()
    TeamInvitation.objects.create(team=team, invitee=person.user)
    Authenticator.objects.create(user=person.user, type="totp", data={"secret": "x"})
    DBTaskResult.objects.create(
        enqueued_at=timezone.now(),
        args_kwargs={"args": [], "kwargs": {}},
        task_path="compagnon.core.tasks.send_outbound_email",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


@pytest.fixture
def superuser_client(client, db):
    from compagnon.members.tests.factories import UserFactory

    user = UserFactory(email="root@club.example", is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_no_admin_form_edits_a_state_field(club, superuser_client):
    problems = state_field_problems(superuser_client, admin.site, _site_url)

    assert problems == [], "\n".join(problems)


def test_the_check_catches_a_naive_admin(superuser_client, settings):
    """The old RegistrationAdmin (every field editable) is what the check exists to catch."""
    from compagnon.workshops.models import Registration
    from compagnon.workshops.tests.factories import RegistrationFactory

    RegistrationFactory()

    naive = admin.AdminSite(name="naive")
    naive.register(Registration, admin.ModelAdmin)
    from django.urls import path

    from compagnon import urls as project_urls

    # Served at /naive-admin/ for this test only.
    settings.ROOT_URLCONF = type(
        "NaiveUrls",
        (),
        {"urlpatterns": [path("naive-admin/", naive.urls), *project_urls.urlpatterns]},
    )

    def naive_url(model, view, pk):
        args = [pk] if pk is not None else []
        return reverse(f"naive:workshops_registration_{view}", args=args)

    problems = state_field_problems(superuser_client, naive, naive_url)

    assert any("workshops.registration.status is editable" in p for p in problems)
    assert any("workshops.registration.seat is editable" in p for p in problems)
