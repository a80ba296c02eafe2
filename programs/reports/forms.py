"""The monthly report's form: one field per indicator, with comments and rule checks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.reports.models.monthly import MAX_VALUE, MonthlyReport, ReportValue
from safecommunity.forms import StyledFormMixin


class MonthlyReportForm(StyledFormMixin, forms.Form):
    """A report's values (a number and a comment per indicator), its narrative and the version
    the editor loaded; a bad number is refused at its field and nothing is saved."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    work_done = forms.CharField(
        label=_("Work done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(
        label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_plan = forms.CharField(
        label=_("Plan for next month"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, report: MonthlyReport, rows: list[ReportValue], **kwargs) -> None:
        initial = {
            "version": report.version,
            "work_done": report.work_done,
            "problems": report.problems,
            "next_plan": report.next_plan,
        }
        for row in rows:
            initial[f"value_{row.indicator_id}"] = row.value
            initial[f"comment_{row.indicator_id}"] = row.comment
        self.rows = rows
        super().__init__(*args, initial=initial, **kwargs)
        for row in rows:
            label = row.indicator.label
            self.fields[f"value_{row.indicator_id}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=MAX_VALUE,
                widget=forms.NumberInput(
                    attrs={"aria-label": label, "class": "form-control form-control-sm"}
                ),
            )
            self.fields[f"comment_{row.indicator_id}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=1000,
                widget=forms.TextInput(
                    attrs={
                        "aria-label": _("Comment on %(name)s") % {"name": label},
                        "class": "form-control form-control-sm",
                    }
                ),
            )

    def report_values(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {
            row.indicator_id: (
                data.get(f"value_{row.indicator_id}"),
                data.get(f"comment_{row.indicator_id}") or "",
            )
            for row in self.rows
        }

    def narrative(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(name) or ""
            for name in ("work_done", "problems", "next_plan")
        }
