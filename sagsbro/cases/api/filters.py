import django_filters

from sagsbro.cases.models import Case
from sagsbro.cases.rules.requirements import SUBTYPE_LABELS
from sagsbro.cases.rules.workflow import STATE_LABELS


class CaseFilter(django_filters.FilterSet):
    subtype = django_filters.MultipleChoiceFilter(
        choices=[(str(k), v) for k, v in SUBTYPE_LABELS.items()]
    )
    state = django_filters.MultipleChoiceFilter(
        choices=[(str(k), v) for k, v in STATE_LABELS.items()]
    )
    municipality = django_filters.NumberFilter(field_name="municipality_id")
    due_before = django_filters.DateFilter(method="filter_due_before", label="Frist før")
    meeting_from = django_filters.DateFilter(field_name="meeting_date", lookup_expr="gte")
    meeting_to = django_filters.DateFilter(field_name="meeting_date", lookup_expr="lte")

    class Meta:
        model = Case
        fields = ["subtype", "state", "municipality", "due_before"]

    def filter_due_before(self, queryset, name, value):
        """Cases with a deadline not yet fulfilled that falls before the date."""
        return queryset.filter(
            deadlines__due__lt=value, deadlines__fulfilled_on__isnull=True
        ).distinct()
