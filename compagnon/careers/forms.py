from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.careers.models import (
    ApplicationStatus,
    CandidateProfile,
    ContractKind,
    Offer,
)
from compagnon.careers.services import PROFILE_WANTED
from compagnon.core.forms import DateInput
from compagnon.members.models import Base, Language, Level, Tag

SKILL_ROWS = 4


class ProfileForm(forms.ModelForm):
    contracts = forms.MultipleChoiceField(
        label=_("Contracts wished"),
        choices=ContractKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bases = forms.ModelMultipleChoiceField(
        label=_("Bases I would move to"),
        queryset=Base.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CandidateProfile
        fields = [
            "thesis_title",
            "thesis_abstract",
            "lab",
            "supervisor",
            "defence_on",
            "hal_url",
            "thesis_url",
            "orcid",
            "available_from",
            "remote_ok",
            "contracts",
            "languages",
            "bases",
            "visibility",
        ]
        widgets = {
            "defence_on": DateInput,
            "available_from": DateInput,
            "visibility": forms.RadioSelect,
        }


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class CandidateApplyForm(forms.Form):
    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    contact_email = forms.EmailField(label=_("Your email"))
    thesis_title = forms.CharField(label=_("Thesis title"), max_length=300)
    lab = forms.CharField(label=_("Laboratory"), max_length=200)
    supervisor = forms.CharField(label=_("Supervisor"), max_length=200, required=False)
    defence_on = forms.DateField(label=_("Defence date"), required=False, widget=DateInput)
    orcid = forms.CharField(label=_("ORCID"), max_length=19, required=False)
    needs = forms.CharField(
        label=_("What you look for"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = [
            "title",
            "team",
            "level",
            "contract",
            "base",
            "work_place",
            "salary_min",
            "salary_max",
            "description",
            "language",
            "audience",
            "expires_on",
        ]
        widgets = {"expires_on": DateInput, "description": forms.Textarea(attrs={"rows": 8})}

    language = forms.ChoiceField(label=_("Language"), choices=Language.choices[:2])

    def __init__(self, *args, offer: Offer | None = None, **kwargs):
        if offer is not None:
            # Editing: the form starts from the offer's values and its skills wanted.
            initial = {name: getattr(offer, name) for name in self._meta.fields}
            initial["base"] = offer.base_id
            for index, skill in enumerate(list(offer.skills.all())[:SKILL_ROWS], 1):
                initial[f"skill_{index}"] = skill.tag_id
                initial[f"level_{index}"] = skill.level
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        tags = Tag.objects.order_by("label_en")
        for index in range(1, SKILL_ROWS + 1):
            self.fields[f"skill_{index}"] = forms.ModelChoiceField(
                label=_("Skill wanted %(n)s") % {"n": index}, queryset=tags, required=False
            )
            self.fields[f"level_{index}"] = forms.TypedChoiceField(
                label=_("Level for skill %(n)s") % {"n": index},
                choices=Level.choices,
                coerce=int,
                initial=Level.PRACTITIONER,
            )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("salary_min"), cleaned.get("salary_max")
        if low and high and low > high:
            self.add_error("salary_max", _("The top of the salary range is below its bottom."))
        return cleaned

    def skill_levels(self) -> list[tuple[Tag, int]]:
        pairs = []
        for index in range(1, SKILL_ROWS + 1):
            tag = self.cleaned_data.get(f"skill_{index}")
            if tag is not None:
                pairs.append((tag, int(self.cleaned_data.get(f"level_{index}") or 2)))
        return pairs

    def skill_rows(self):
        return [(self[f"skill_{i}"], self[f"level_{i}"]) for i in range(1, SKILL_ROWS + 1)]


class ApplyForm(forms.Form):
    note = forms.CharField(
        label=_("A word to the recruiter"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(choices=ApplicationStatus.choices)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note to the recruiter"), required=False, max_length=2000)


class HelpForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    profile_wanted = forms.ChoiceField(
        label=_("Profile wanted"), choices=list(PROFILE_WANTED.items())
    )
    job_description = forms.CharField(
        label=_("Draft job description"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Skills"), queryset=Tag.objects.order_by("label_en"), required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
