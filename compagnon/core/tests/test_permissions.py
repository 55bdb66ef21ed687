"""Walk every URL of the project as every persona.

The table below says, for each named URL, what each persona gets. A URL that
the project serves but the table does not list fails `test_every_url_is_in_the_table`,
so adding a page means deciding who may see it.

Expectations: an HTTP status (200, 403, 404, 405), LOGIN (redirect to the
sign-in page), or REDIRECT (any other redirect).
"""

from __future__ import annotations

import importlib
import importlib.util

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from compagnon.accounts.models import Invitation
from compagnon.cases.tests.derived import anonymised_case_workshop, named_case_invitation
from compagnon.members.models import MemberImport, MembershipStatus, MembershipType, Visibility
from compagnon.members.tests.factories import (
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
    TagFactory,
    UserFactory,
)

from .urltable import (
    LOGIN,
    PERSONAS,
    REDIRECT,
    Case,
    everyone,
    members_only,
    org_a_private,
    signed_in,
    staff_only,
)

ALLAUTH_PUBLIC = {
    # Pages of the sign-in flow a visitor must reach; signed-in people are sent on.
    "account_login": Case({**everyone(REDIRECT), "anonymous": 200}),
    "account_signup": Case({**everyone(REDIRECT), "anonymous": 200}),
    "account_reset_password": Case(everyone(200)),
    "account_reset_password_done": Case(everyone(200)),
    "account_reset_password_from_key_done": Case(everyone(200)),
    "account_reset_password_from_key": Case(
        everyone(200), kwargs=lambda w: {"uidb36": "0", "key": "bad"}
    ),
    "account_email_verification_sent": Case(everyone(200)),
    "account_confirm_email": Case(everyone(200), kwargs=lambda w: {"key": "unknown-key"}),
    "account_inactive": Case(everyone(200)),
    "account_logout": Case({**everyone(200), "anonymous": REDIRECT}),
    "account_confirm_login_code": Case(everyone(REDIRECT)),
    "account_reauthenticate": Case(signed_in(200)),
    "account_email": Case(signed_in(200)),
    "account_change_password": Case(signed_in(200)),
    "account_set_password": Case(signed_in(REDIRECT)),
    "mfa_index": Case(signed_in(200)),
    "mfa_authenticate": Case(everyone(REDIRECT)),
    "mfa_reauthenticate": Case(signed_in(REDIRECT)),
    "mfa_activate_totp": Case(signed_in(REDIRECT)),
    "mfa_deactivate_totp": Case(signed_in(404)),
    "mfa_view_recovery_codes": Case(signed_in(404)),
    "mfa_generate_recovery_codes": Case(signed_in(REDIRECT)),
    "mfa_download_recovery_codes": Case(signed_in(404)),
}

URL_TABLE: dict[str, list[Case] | Case] = {
    "site:home": Case(everyone(200)),
    "core:healthz": Case(everyone(200)),
    "set_language": [
        Case(everyone(REDIRECT), method="post", data=lambda w: {"language": "en", "next": "/"}),
    ],
    **ALLAUTH_PUBLIC,
    "members:directory": Case(members_only()),
    "members:organisation_list": Case(members_only()),
    "members:organisation_detail": Case(members_only(), kwargs=lambda w: {"slug": w.org_a.slug}),
    "members:person_detail": [
        Case(members_only(), kwargs=lambda w: {"pk": w.colleague_a.pk}, note="visible to the club"),
        Case(
            {**members_only(), "member_b": 404},
            kwargs=lambda w: {"pk": w.private_a.pk},
            note="visible to organisation A only",
        ),
        Case(
            {**members_only(404), "staff": 200},
            kwargs=lambda w: {"pk": w.hidden_a.pk},
            note="hidden: staff only",
        ),
    ],
    "members:profile_edit": Case({**signed_in(200)}),
    "members:organisation_manage": Case(org_a_private(), kwargs=lambda w: {"slug": w.org_a.slug}),
    "members:organisation_people_export": Case(
        org_a_private(), kwargs=lambda w: {"slug": w.org_a.slug}
    ),
    "members:skill_add": [
        Case({**signed_in(405), "guest": 403}),
        Case(
            {**signed_in(REDIRECT), "guest": 403},
            method="post",
            data=lambda w: {"tag": w.tag.slug, "level": 2},
        ),
    ],
    "members:skill_update": Case(
        {**signed_in(404), "guest": 403},
        method="post",
        kwargs=lambda w: {"tag_slug": w.tag.slug},
        data=lambda w: {"level": 3},
    ),
    "members:skill_remove": Case(
        {**signed_in(REDIRECT), "guest": 403},
        method="post",
        kwargs=lambda w: {"tag_slug": w.tag.slug},
    ),
    "members:interest_add": Case(
        {**signed_in(REDIRECT), "guest": 403}, method="post", data=lambda w: {"tag": w.tag.slug}
    ),
    "members:interest_remove": Case(
        {**signed_in(REDIRECT), "guest": 403},
        method="post",
        kwargs=lambda w: {"tag_slug": w.tag.slug},
    ),
    "staff:dashboard": Case(staff_only()),
    "staff:import_upload": Case(staff_only()),
    "staff:import_preview": Case(staff_only(), kwargs=lambda w: {"pk": w.member_import.pk}),
    "staff:import_apply": [
        Case(staff_only(405), kwargs=lambda w: {"pk": w.member_import.pk}),
        Case(staff_only(REDIRECT), method="post", kwargs=lambda w: {"pk": w.member_import.pk}),
    ],
    "staff:export_people": Case(staff_only()),
    "staff:export_organisations": Case(staff_only()),
    "accounts:invitation_list": Case(staff_only()),
    "accounts:invitation_create": [
        Case(staff_only(), kwargs=lambda w: {"person_pk": w.invitee.pk}),
        Case(staff_only(REDIRECT), method="post", kwargs=lambda w: {"person_pk": w.invitee.pk}),
    ],
    "accounts:invitation_resend": [
        Case(staff_only(405), kwargs=lambda w: {"pk": w.invitation.pk}),
        Case(staff_only(REDIRECT), method="post", kwargs=lambda w: {"pk": w.invitation.pk}),
    ],
    "accounts:invitation_accept": Case(
        everyone(200), kwargs=lambda w: {"token": w.invitation.token}
    ),
    # Cases: the list, filing, the case page, editing, the lifecycle buttons, the doors.
    "cases:case_list": Case(members_only()),
    "cases:case_create": [
        Case(members_only()),
        Case(
            members_only(REDIRECT),
            method="post",
            data=lambda w: _case_form_data(),
            note="a valid draft is filed, then its page",
        ),
    ],
    "cases:case_detail": [
        Case(members_only(), kwargs=lambda w: {"pk": w.open_case_a.pk}, note="open to members"),
        Case(
            {**members_only(), "member_b": 404},
            kwargs=lambda w: {"pk": w.named_case_a.pk},
            note="named organisations, not B",
        ),
        Case(
            {**members_only(), "member_b": 404},
            kwargs=lambda w: {"pk": w.excluding_case_a.pk},
            note="excludes organisation B",
        ),
        Case(
            {**members_only(404), "member_a": 200, "manager_a": 200, "staff": 200},
            kwargs=lambda w: {"pk": w.draft_case_a.pk},
            note="a draft: its owner, their organisation's manager, staff",
        ),
        Case(
            {**members_only(), "member_b": 404},
            kwargs=lambda w: {"pk": named_case_invitation(w).case_id},
            note="named organisations, B invited from outside: an invitation never widens it",
        ),
        Case(
            members_only(),
            kwargs=lambda w: {"pk": anonymised_case_workshop(w).origin_case_id},
            hides=lambda w: [
                w.colleague_a.full_name,
                w.org_a.name,
                anonymised_case_workshop(w).title,
            ],
            hidden_from=("member_b",),
            note="anonymised: neither bringer, organisation nor its workshop outside A",
        ),
    ],
    "cases:case_edit": [
        Case(
            {**members_only(404), "member_a": 200, "manager_a": 403, "staff": 200},
            kwargs=lambda w: {"pk": w.draft_case_a.pk},
            note="the owner's draft; the manager sees it but may not change it",
        ),
        Case(
            {**members_only(403), "staff": 200},
            kwargs=lambda w: {"pk": w.open_case_a.pk},
            note="open: members see it, only staff change it",
        ),
    ],
    "cases:case_transition": [
        Case(members_only(405), kwargs=lambda w: {"pk": w.draft_case_a.pk}),
        Case(
            {**members_only(404), "member_a": REDIRECT, "manager_a": 403, "staff": REDIRECT},
            method="post",
            kwargs=lambda w: {"pk": w.draft_case_a.pk},
            data=lambda w: {"to": "submitted"},
            note="submit a draft: its owner or staff",
        ),
    ],
    "cases:inbound_email": [
        Case(everyone(404), method="post", kwargs=lambda w: {"secret": "wrong"}),
        Case(everyone(404), kwargs=lambda w: {"secret": "wrong"}, note="not even a 405"),
    ],
    "cases:chat_link": [
        Case(members_only(), note="one's own chat link: nothing of anyone else's"),
        Case(members_only(), method="post", data=lambda w: {"action": "start"}),
        Case(members_only(REDIRECT), method="post", data=lambda w: {"action": "unlink"}),
    ],
    "cases:inbound_confirm": [
        Case(everyone(404), kwargs=lambda w: {"token": "forged"}, note="a link nobody signed"),
        Case(everyone(404), method="post", kwargs=lambda w: {"token": "forged"}),
    ],
    "cases:inbound_chat": [
        Case(
            everyone(403),
            method="post",
            data=lambda w: {"token": "wrong", "text": "Help", "user_name": "ada"},
        ),
        Case(everyone(405)),
    ],
    # Case invitations: staff matching, the invitee's answer, raising a hand, notices.
    "case_invitations:case_match": [
        Case(
            {**staff_only(), "guest": 404, "lapsed": 404},
            kwargs=lambda w: {"pk": _invitations_case(w).pk},
            note="who cannot see the case gets 404, as on the case page",
        ),
        Case(
            {**staff_only(), "guest": 404, "lapsed": 404},
            method="post",
            kwargs=lambda w: {"pk": _invitations_case(w).pk},
            note="nobody chosen: the page says so",
        ),
    ],
    "case_invitations:case_hand_raise": [
        Case(members_only(405), kwargs=lambda w: {"pk": _invitations_case(w).pk}),
        Case(
            members_only(REDIRECT),
            method="post",
            kwargs=lambda w: {"pk": _invitations_case(w).pk},
            note="member_a brought the case and staff are not members: refused, sent back",
        ),
        Case(
            {**members_only(REDIRECT), "member_b": 404},
            method="post",
            kwargs=lambda w: {"pk": named_case_invitation(w).case_id},
            note="named-only case: B, invited from outside, cannot even find it",
        ),
    ],
    "case_invitations:invitation_answer": [
        Case(
            {**signed_in(404), "member_b": 200},
            kwargs=lambda w: {"pk": _invitation_of_member_b(w).pk},
            note="the invitee only; 404 for everyone else, staff included",
        ),
        Case(
            signed_in(404),
            kwargs=lambda w: {"pk": named_case_invitation(w).pk},
            note="invited from outside a named-only case: 404 for the invitee too",
        ),
    ],
    "case_invitations:notice_list": [
        Case(signed_in()),
        Case(signed_in(REDIRECT), method="post", note="mark all as read"),
    ],
}


class World:
    """Two member organisations, a lapsed one, and the people each persona is."""

    def __init__(self):
        self.tag = TagFactory(
            slug="causality-test", label_en="Causality test", label_fr="Causalité test"
        )
        self.org_a = OrganisationFactory(name="Alpha Corp", email_domains="alpha.example")
        self.org_b = OrganisationFactory(name="Beta Lab", email_domains="beta.example")
        self.org_lapsed = OrganisationFactory(name="Gamma Old", status=MembershipStatus.LAPSED)
        self.member_a = PersonFactory(
            organisation=self.org_a, email="ada@alpha.example", with_account=True
        )
        self.manager_a = PersonFactory(
            organisation=self.org_a,
            email="manon@alpha.example",
            is_org_manager=True,
            with_account=True,
        )
        self.member_b = PersonFactory(
            organisation=self.org_b, email="bruno@beta.example", with_account=True
        )
        self.lapsed = PersonFactory(
            organisation=self.org_lapsed, email="old@gamma.example", with_account=True
        )
        self.guest_user = UserFactory(email="guest@nowhere.example")
        self.staff_user = UserFactory(email="staff@club.example", is_staff=True, is_superuser=True)
        PersonFactory(
            user=self.staff_user,
            email=self.staff_user.email,
            organisation=None,
            membership_type=MembershipType.STAFF,
        )
        self.colleague_a = PersonFactory(organisation=self.org_a, email="colleague@alpha.example")
        SkillFactory(person=self.colleague_a, tag=self.tag, level=4, can_teach=True)
        self.private_a = PersonFactory(
            organisation=self.org_a,
            email="private@alpha.example",
            directory_visibility=Visibility.ORGANISATION,
        )
        self.hidden_a = PersonFactory(
            organisation=self.org_a,
            email="hidden@alpha.example",
            directory_visibility=Visibility.HIDDEN,
        )
        self.invitee = PersonFactory(organisation=self.org_a, email="invitee@alpha.example")
        self.invitation = Invitation.objects.create(person=self.invitee, email=self.invitee.email)
        self.member_import = MemberImport(file_name="members.csv", uploaded_by=self.staff_user)
        self.member_import.file.save(
            "members.csv",
            ContentFile(b"Pr\xc3\xa9nom,Nom,Email\nZo\xc3\xa9,Roux,zoe@alpha.example\n"),
        )
        # Cases of organisation A: one open to all members (brought by a colleague),
        # one for named organisations only (not B), one excluding B, member_a's draft.
        self.open_case_a = _case_record(self.colleague_a, status="open")
        self.named_case_a = _case_record(self.colleague_a, status="open", confidentiality="named")
        self.excluding_case_a = _case_record(self.colleague_a, status="open")
        self.excluding_case_a.excluded_organisations.add(self.org_b)
        self.draft_case_a = _case_record(self.member_a)

    def user_of(self, persona: str):
        return {
            "anonymous": None,
            "guest": self.guest_user,
            "lapsed": self.lapsed.user,
            "member_a": self.member_a.user,
            "manager_a": self.manager_a.user,
            "member_b": self.member_b.user,
            "staff": self.staff_user,
        }[persona]


def _invitations_case(world):
    """An open case brought by member_a, visible to all members (made once per world)."""
    if not hasattr(world, "invitations_case"):
        from django.utils import timezone

        from compagnon.cases.models import Case as CaseModel

        world.invitations_case = CaseModel.objects.create(
            title="Forecasts broke",
            description="What caused the drop?",
            brought_by=world.member_a,
            organisation=world.org_a,
            status="open",
            opened_at=timezone.now(),
        )
    return world.invitations_case


def _invitation_of_member_b(world):
    from compagnon.cases.models import CaseInvitation

    return CaseInvitation.objects.get_or_create(
        case=_invitations_case(world), person=world.member_b
    )[0]


def _case_record(person, *, status="draft", **fields):
    from django.utils import timezone

    from compagnon.cases.models import Case as CaseRecord

    return CaseRecord.objects.create(
        title=f"Case {status}",
        description="Our forecasts broke.",
        brought_by=person,
        organisation=person.organisation,
        status=status,
        opened_at=None if status == "draft" else timezone.now(),
        **fields,
    )


def _case_form_data():
    return {
        "title": "Forecasts broke",
        "description": "Since 2020.",
        "data_sharing": "agreement",
        "confidentiality": "members",
        "format": "advice",
        "language": "en",
        "interested_needed": "3",
        "form_token": "permission-table-token",
        "action": "draft",
    }


def _app_tables() -> dict[str, list[Case] | Case]:
    """The rows each app keeps in `<app>/tests/url_table.py`."""
    table: dict[str, list[Case] | Case] = {}
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("compagnon."):
            continue
        module_name = f"{app_config.name}.tests.url_table"
        if importlib.util.find_spec(module_name) is None:
            continue
        rows = importlib.import_module(module_name).URL_TABLE
        overlap = set(rows) & set(table)
        assert not overlap, f"{module_name} repeats rows: {sorted(overlap)}"
        table.update(rows)
    return table


URL_TABLE.update(_app_tables())


def _named_urls(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def project_url_names() -> set[str]:
    return {
        name for name in _named_urls(get_resolver().url_patterns) if not name.startswith("admin:")
    }


def test_every_url_is_in_the_table():
    missing = sorted(project_url_names() - set(URL_TABLE))
    assert not missing, f"URLs with no entry in the permission table: {missing}"
    stale = sorted(set(URL_TABLE) - project_url_names())
    assert not stale, f"Entries for URLs that no longer exist: {stale}"


def _cases():
    for name, cases in URL_TABLE.items():
        for index, case in enumerate(cases if isinstance(cases, list) else [cases]):
            for persona in PERSONAS:
                yield pytest.param(name, case, persona, id=f"{name}[{index}]-{persona}")


def _check(response, expected, persona, label):
    if expected == LOGIN:
        assert response.status_code == 302, (
            f"{label}: expected sign-in redirect, got {response.status_code}"
        )
        assert "/login" in response["Location"], f"{label}: redirected to {response['Location']}"
    elif expected == REDIRECT:
        assert response.status_code in (301, 302, 303), (
            f"{label}: expected a redirect, got {response.status_code}"
        )
    else:
        assert response.status_code == expected, (
            f"{label}: expected {expected}, got {response.status_code}"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "case", "persona"), list(_cases()))
def test_url_permissions(client, name, case, persona):
    world = World()
    user = world.user_of(persona)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=case.kwargs(world))
    response = getattr(client, case.method)(url, case.data(world))
    label = f"{persona} {case.method.upper()} {url} ({name})"
    _check(response, case.expect[persona], persona, label)
    if persona in case.hidden_from and response.status_code == 200:
        page = response.content.decode()
        for secret in case.hides(world):
            assert secret not in page, f"{label}: shows {secret!r}"


def _admin_urls(world):
    """Every admin changelist and add page, and the change page of one object per model."""
    urls = [reverse("admin:index")]
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        instance = model._default_manager.first()
        if instance is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[instance.pk]))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_staff_only(client, persona):
    world = World()
    user = world.user_of(persona)
    if user is not None:
        client.force_login(user)
    for url in _admin_urls(world):
        response = client.get(url)
        if persona == "staff":
            assert response.status_code == 200, f"staff {url}: {response.status_code}"
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (
                f"{persona} {url}: {response.status_code}"
            )
