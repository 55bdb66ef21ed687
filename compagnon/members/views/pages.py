"""Members' pages: directory, people, organisations, and "edit my profile".

Views stay thin: `selectors` decides who sees what, `filters` narrows lists,
`services` writes. With HTMX a view answers with a partial of the same
template (django-template-partials), so every page also works without JS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from compagnon.accounts.models import User
from compagnon.core.csvsafe import csv_lines
from compagnon.core.forms import form_add_service_errors
from compagnon.core.permissions import to_sign_in, wants_partial
from compagnon.members.filters import (
    DirectoryFilterForm,
    OrganisationFilterForm,
    TagTree,
    filter_organisations,
    filter_people,
)
from compagnon.members.forms import (
    InterestAddForm,
    ProfileForm,
    SkillAddForm,
    SkillUpdateForm,
)
from compagnon.members.models import Interest, Language, Organisation, Person, Skill, Tag
from compagnon.members.permissions import member_required, signed_in_viewer
from compagnon.members.profile import profile_sections
from compagnon.members.selectors import (
    Viewer,
    organisation_for_viewer,
    organisation_private_for_viewer,
    organisations_visible_to,
    people_visible_to,
    people_with_profile,
    person_for_viewer,
)
from compagnon.members.services import (
    person_interest_add,
    person_interest_remove,
    person_skill_remove,
    person_skill_set,
    person_update_profile,
)

ORGANISATION_PEOPLE_CAP = 12

View = Callable[..., HttpResponseBase]


def _actor(request: HttpRequest) -> User:
    # Only called behind the sign-in checks below, so the user is a real account.
    return cast(User, request.user)


def _own_person(request: HttpRequest) -> Person | None:
    # A fresh object, not the cached viewer's: a refused form must not alter the viewer.
    return (
        Person.objects.select_related("organisation", "base").filter(user=_actor(request)).first()
    )


def person_required(view: View) -> View:
    """The signed-in user's own Person; an account not linked to one gets a page saying so."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return to_sign_in(request)
        person = _own_person(request)
        if person is None:
            return render(request, "members/profile_unlinked.html")
        return view(request, person, *args, **kwargs)

    return wrapper


def own_profile_post(view: View) -> View:
    """Skills and interests endpoints: sign-in first, then a Person (403 without), then POST only."""
    view = require_POST(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return to_sign_in(request, reverse("members:profile_edit"))
        person = _own_person(request)
        if person is None:
            return render(request, "members/profile_unlinked.html", status=403)
        return view(request, person, *args, **kwargs)

    return wrapper


def _render(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only `partial` of it for an HTMX request."""
    name = f"{template}#{partial}" if wants_partial(request) else template
    response = render(request, name, context)
    # The same URL answers a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- directory and organisations ---------------------------------------------------


@member_required
def directory(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    tag_tree = TagTree.load()
    form = DirectoryFilterForm(
        request.GET or None, tag_tree=tag_tree, organisations=organisations_visible_to(viewer)
    )
    people = filter_people(people_visible_to(viewer), form.valid_data(), tag_tree)
    people = people_with_profile(people.order_by("last_name", "first_name", "id"))
    page = Paginator(people, settings.DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "people": page.object_list}
    return _render(request, "members/directory.html", "results", context)


def _with_people_count(
    organisations: QuerySet[Organisation], viewer: Viewer
) -> QuerySet[Organisation]:
    # Counted through the visibility selector so the number matches what the viewer can open.
    visible = (
        people_visible_to(viewer)
        .filter(organisation=OuterRef("pk"), left_organisation_on__isnull=True)
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return organisations.annotate(people_count=Coalesce(Subquery(visible), Value(0)))


@member_required
def organisation_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = filter_organisations(organisations_visible_to(viewer), form.valid_data())
    organisations = _with_people_count(
        organisations.select_related("home_base").order_by("name"), viewer
    )
    page = Paginator(organisations, settings.DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "organisations": page.object_list}
    return _render(request, "members/organisation_list.html", "results", context)


def _admin_url(name: str, *args: Any) -> str | None:
    # The admin registrations live elsewhere; a page must not break while one is missing.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _web_link(url: str) -> str | None:
    # Imported rows may predate the validators: only http(s) reaches an href.
    return url if url and urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def _profile_links(person: Person) -> list[tuple[str, str]]:
    candidates = [
        (gettext("LinkedIn"), _web_link(person.linkedin_url)),
        (gettext("GitHub"), _web_link(person.github_url)),
        (gettext("ORCID"), f"https://orcid.org/{person.orcid}" if person.orcid else None),
        (gettext("Website"), _web_link(person.website_url)),
    ]
    return [(label, url) for label, url in candidates if url]


def _language_names(codes: Iterable[str]) -> list[str]:
    return [str(Language(code).label) for code in codes if code in Language.values]


@member_required
def person_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    person = person_for_viewer(viewer, pk)
    skills = list(person.skills.all())
    context = {
        "person": person,
        "skills": skills,
        "teaches": [skill for skill in skills if skill.can_teach],
        "interests": sorted(person.interests.all(), key=lambda i: i.tag.label.lower()),
        "links": _profile_links(person),
        "languages": _language_names(person.languages or []),
        "is_self": viewer.person is not None and viewer.person.pk == person.pk,
        "admin_url": _admin_url("admin:members_person_change", person.pk)
        if viewer.is_staff
        else None,
        "show_email": viewer.is_member,
        "extra_sections": profile_sections(person=person, viewer=viewer),
    }
    return render(request, "members/person_detail.html", context)


@member_required
def organisation_detail(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    organisation = organisation_for_viewer(viewer, slug)
    current = people_visible_to(viewer).filter(
        organisation=organisation, left_organisation_on__isnull=True
    )
    people = list(
        people_with_profile(current.order_by("last_name", "first_name", "id"))[
            :ORGANISATION_PEOPLE_CAP
        ]
    )
    people_count = len(people) if len(people) < ORGANISATION_PEOPLE_CAP else current.count()
    context = {
        "organisation": organisation,
        "people": people,
        "people_count": people_count,
        "more_people": people_count > len(people),
        "website": _web_link(organisation.website),
        "can_manage": viewer.is_staff or viewer.manages(organisation),
        "admin_url": _admin_url("admin:members_organisation_change", organisation.pk)
        if viewer.is_staff
        else None,
    }
    return render(request, "members/organisation_detail.html", context)


def _organisation_people_all(organisation: Organisation) -> QuerySet[Person]:
    # Callers have passed organisation_private_for_viewer: hidden people and leavers included.
    return organisation.people.select_related("base", "user").order_by(
        "last_name", "first_name", "id"
    )


@signed_in_viewer
def organisation_manage(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    organisation = organisation_private_for_viewer(viewer, slug)
    people = list(_organisation_people_all(organisation))
    context = {
        "organisation": organisation,
        "current_people": [p for p in people if p.left_organisation_on is None],
        "former_people": [p for p in people if p.left_organisation_on is not None],
        "people_total": len(people),
    }
    response = render(request, "members/organisation_manage.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _people_rows(people: Iterable[Person]) -> Iterable[list[Any]]:
    yield [
        gettext("First name"),
        gettext("Last name"),
        gettext("Email"),
        gettext("Job title"),
        gettext("Role"),
        gettext("Membership type"),
        gettext("Base"),
        gettext("Visible in the directory to"),
        gettext("Has an account"),
        gettext("Organisation manager"),
        gettext("At the organisation since"),
        gettext("Left the organisation on"),
    ]
    yes, no = gettext("yes"), gettext("no")
    for person in people:
        yield [
            person.first_name,
            person.last_name,
            person.email,
            person.job_title,
            person.get_role_family_display(),
            person.get_membership_type_display(),
            person.base.name if person.base else "",
            person.get_directory_visibility_display(),
            yes if person.has_account else no,
            yes if person.is_org_manager else no,
            person.joined_organisation_on.isoformat() if person.joined_organisation_on else "",
            person.left_organisation_on.isoformat() if person.left_organisation_on else "",
        ]


@signed_in_viewer
def organisation_people_export(
    request: HttpRequest, viewer: Viewer, slug: str
) -> StreamingHttpResponse:
    organisation = organisation_private_for_viewer(viewer, slug)
    rows = _people_rows(_organisation_people_all(organisation).iterator(chunk_size=500))
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{organisation.slug}-people.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- edit my profile -----------------------------------------------------------


def _skill_rows(
    person: Person, bound: dict[str, SkillUpdateForm] | None = None
) -> list[dict[str, Any]]:
    skills = Skill.objects.filter(person=person).select_related("tag")
    rows = []
    for skill in sorted(skills, key=lambda s: s.tag.label.lower()):
        slug = skill.tag.slug
        form = (bound or {}).get(slug) or SkillUpdateForm(
            tag_slug=slug, initial={"level": skill.level, "can_teach": skill.can_teach}
        )
        rows.append({"skill": skill, "form": form})
    return rows


def _skills_context(
    person: Person,
    *,
    add_form: SkillAddForm | None = None,
    bound: dict[str, SkillUpdateForm] | None = None,
    status: str = "",
    refocus: bool = False,
) -> dict[str, Any]:
    add_form = add_form or SkillAddForm()
    if refocus:
        # After an HTMX add the old input is gone; put the cursor back where the next skill goes.
        add_form.fields["tag"].widget.attrs["autofocus"] = True
    return {
        "skill_rows": _skill_rows(person, bound),
        "skill_add_form": add_form,
        "skills_status": status,
    }


def _interests_context(
    person: Person,
    *,
    add_form: InterestAddForm | None = None,
    status: str = "",
    refocus: bool = False,
) -> dict[str, Any]:
    add_form = add_form or InterestAddForm()
    if refocus:
        add_form.fields["tag"].widget.attrs["autofocus"] = True
    interests = Interest.objects.filter(person=person).select_related("tag")
    return {
        "interests": sorted(interests, key=lambda i: i.tag.label.lower()),
        "interest_add_form": add_form,
        "interests_status": status,
    }


def _profile_page(request: HttpRequest, person: Person, **context: Any) -> HttpResponse:
    context.setdefault("form", ProfileForm(instance=person))
    context = {
        "person": person,
        "tag_labels": sorted({tag.label for tag in Tag.objects.all()}, key=str.lower),
        **_skills_context(person),
        **_interests_context(person),
        **context,
    }
    return render(request, "members/profile_edit.html", context)


def _picker_response(
    request: HttpRequest,
    person: Person,
    *,
    section: str,
    ok: bool,
    status: str = "",
    context: dict[str, Any],
) -> HttpResponse:
    """After a skills/interests POST: the section alone for HTMX, else back to /me/ (or the page with errors)."""
    if wants_partial(request):
        response = render(
            request, f"members/profile_edit.html#{section}", {"person": person, **context}
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    if ok:
        if status:
            messages.success(request, status)
        return redirect(reverse("members:profile_edit") + f"#{section}")
    return _profile_page(request, person, **context)


@person_required
def profile_edit(request: HttpRequest, person: Person) -> HttpResponse:
    if request.method != "POST":
        return _profile_page(request, person)
    form = ProfileForm(request.POST, instance=person)
    if form.is_valid():
        try:
            person_update_profile(person=person, actor=_actor(request), **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, gettext("Your profile is saved."))
            return redirect("members:profile_edit")
    return _profile_page(request, person, form=form)


def _skills_after(
    request: HttpRequest, person: Person, *, ok: bool, status: str = "", **kwargs: Any
) -> HttpResponse:
    refocus = ok and wants_partial(request)
    context = _skills_context(person, status=status, refocus=refocus, **kwargs)
    return _picker_response(
        request, person, section="skills", ok=ok, status=status, context=context
    )


def _interests_after(
    request: HttpRequest, person: Person, *, ok: bool, status: str = "", **kwargs: Any
) -> HttpResponse:
    refocus = ok and wants_partial(request)
    context = _interests_context(person, status=status, refocus=refocus, **kwargs)
    return _picker_response(
        request, person, section="interests", ok=ok, status=status, context=context
    )


def _skill_save(
    request: HttpRequest, person: Person, form: BaseForm, tag: Tag
) -> HttpResponse | None:
    """Write the skill a valid form describes; None when the service refused it (errors on the form)."""
    try:
        person_skill_set(
            person=person,
            tag=tag,
            level=form.cleaned_data["level"],
            can_teach=form.cleaned_data["can_teach"],
            actor=_actor(request),
        )
    except ValidationError as error:
        form_add_service_errors(form, error)
        return None
    status = gettext("Skill saved: %(tag)s.") % {"tag": tag.label}
    return _skills_after(request, person, ok=True, status=status)


@own_profile_post
def skill_add(request: HttpRequest, person: Person) -> HttpResponse:
    form = SkillAddForm(request.POST)
    if form.is_valid() and (saved := _skill_save(request, person, form, form.cleaned_data["tag"])):
        return saved
    return _skills_after(request, person, ok=False, add_form=form)


@own_profile_post
def skill_update(request: HttpRequest, person: Person, tag_slug: str) -> HttpResponse:
    skill = get_object_or_404(
        Skill.objects.select_related("tag"), person=person, tag__slug=tag_slug
    )
    form = SkillUpdateForm(request.POST, tag_slug=tag_slug)
    if form.is_valid() and (saved := _skill_save(request, person, form, skill.tag)):
        return saved
    return _skills_after(request, person, ok=False, bound={tag_slug: form})


@own_profile_post
def skill_remove(request: HttpRequest, person: Person, tag_slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=tag_slug)
    person_skill_remove(person=person, tag=tag, actor=_actor(request))
    status = gettext("Skill removed: %(tag)s.") % {"tag": tag.label}
    return _skills_after(request, person, ok=True, status=status)


@own_profile_post
def interest_add(request: HttpRequest, person: Person) -> HttpResponse:
    form = InterestAddForm(request.POST)
    if form.is_valid():
        tag = form.cleaned_data["tag"]
        try:
            person_interest_add(person=person, tag=tag, actor=_actor(request))
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            status = gettext("Added to what you want to learn: %(tag)s.") % {"tag": tag.label}
            return _interests_after(request, person, ok=True, status=status)
    return _interests_after(request, person, ok=False, add_form=form)


@own_profile_post
def interest_remove(request: HttpRequest, person: Person, tag_slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=tag_slug)
    person_interest_remove(person=person, tag=tag, actor=_actor(request))
    status = gettext("Removed from what you want to learn: %(tag)s.") % {"tag": tag.label}
    return _interests_after(request, person, ok=True, status=status)
