"""Forms of the benchathon pages; the services validate again and say why they refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.benchathons.models import Benchathon, Criterion, Evaluation, Grid, Item, Scale
from compagnon.knowledge.models import Visibility


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Grid) -> str:
        count = getattr(obj, "criteria_count", None)
        workshop = obj.benchathon.workshop if hasattr(obj, "benchathon") else None
        label = str(workshop or obj)
        return f"{label} ({count})" if count is not None else label


class BenchathonForm(forms.ModelForm):
    grid_source = GridChoiceField(
        queryset=Grid.objects.none(),
        required=False,
        label=_("Start from the grid of"),
        empty_label=_("An empty grid"),
        help_text=_("The criteria are copied: changing them here leaves the other grid as it is."),
    )

    class Meta:
        model = Benchathon
        fields = ["goal", "evaluators_per_item"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, grids: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if grids is not None:
            self.fields["grid_source"].queryset = grids


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "scale", "unit", "weight"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class GridCopyForm(forms.Form):
    source = GridChoiceField(queryset=Grid.objects.none(), label=_("Copy the grid of"))

    def __init__(self, *args: Any, grids: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if grids is not None:
            self.fields["source"].queryset = grids


class ItemForm(forms.ModelForm):
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Item
        fields = ["name", "url", "version"]


class AssignForm(forms.Form):
    evaluators_per_item = forms.IntegerField(
        label=_("Evaluators per item"), min_value=2, max_value=20
    )


class PublishForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may read the report"), choices=Visibility.choices, initial=Visibility.MEMBERS
    )


YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]
MARK_CHOICES = [(str(mark), str(mark)) for mark in range(1, 6)]


def answer_field_name(criterion: Criterion) -> str:
    return f"criterion_{criterion.pk}"


class EvaluationForm(forms.Form):
    """One field per criterion of the grid, then the evidence and the notes.

    Every mark is optional here so that a draft can be saved half-done; the service
    refuses a submission with a mark missing, and the page says which.
    """

    evidence = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Notebooks, code, issues: one link per line."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        evaluation: Evaluation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        answer_fields: dict[str, forms.Field] = {}
        for criterion in criteria:
            field: forms.Field
            help_text = criterion.description
            if criterion.scale == Scale.ONE_TO_FIVE:
                field = forms.ChoiceField(
                    choices=MARK_CHOICES, widget=forms.RadioSelect, required=False
                )
                help_text = (help_text + " " if help_text else "") + str(
                    _("1 is poor, 5 is excellent.")
                )
            elif criterion.scale == Scale.YES_NO:
                field = forms.ChoiceField(
                    choices=YES_NO_CHOICES, widget=forms.RadioSelect, required=False
                )
            elif criterion.scale == Scale.NUMBER:
                field = forms.FloatField(required=False)
            else:
                field = forms.CharField(
                    required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
                )
            field.label = (
                f"{criterion.name} ({criterion.unit})" if criterion.unit else criterion.name
            )
            field.help_text = help_text
            answer_fields[answer_field_name(criterion)] = field
        # The marks first, then evidence and notes.
        self.fields = {**answer_fields, **self.fields}
        if evaluation is not None and not self.is_bound:
            self._fill(evaluation)

    def _fill(self, evaluation: Evaluation) -> None:
        self.initial["evidence"] = evaluation.evidence
        self.initial["notes"] = evaluation.notes
        by_criterion = {score.criterion_id: score for score in evaluation.scores.all()}
        for criterion in self.criteria:
            score = by_criterion.get(criterion.pk)
            if score is None:
                continue
            name = answer_field_name(criterion)
            if criterion.scale == Scale.ONE_TO_FIVE and score.number is not None:
                self.initial[name] = str(int(score.number))
            elif criterion.scale == Scale.YES_NO and score.number is not None:
                self.initial[name] = "yes" if score.number else "no"
            elif criterion.scale == Scale.NUMBER:
                self.initial[name] = score.number
            else:
                self.initial[name] = score.text

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[answer_field_name(criterion)] for criterion in self.criteria]

    def answers(self) -> dict[int, Any]:
        return {
            criterion.pk: self.cleaned_data.get(answer_field_name(criterion))
            for criterion in self.criteria
        }
