from django.urls import path

from sagsbro.workdays.api.views import ClosedDaysView, WorkingDaysView

urlpatterns = [
    path("calendar/working-days", WorkingDaysView.as_view(), name="calendar-working-days"),
    path("calendar/closed-days", ClosedDaysView.as_view(), name="calendar-closed-days"),
]
