"""The pages of holding a meeting day, the indstilling, its projector view and the follow-ups
agreed (included from meetings/urls.py, namespace ``meetings``)."""

from django.urls import path

from sagsbro.meetings.web import holding

urlpatterns = [
    path("moeder/<int:day_pk>/afhold/", holding.hold_day, name="hold"),
    path(
        "moeder/<int:day_pk>/indstilling/<int:booking_pk>/",
        holding.indstilling_page,
        name="indstilling",
    ),
    path(
        "moeder/<int:day_pk>/indstilling/<int:booking_pk>/afslut/",
        holding.finalise,
        name="finalise",
    ),
    path(
        "moeder/<int:day_pk>/indstilling/<int:booking_pk>/konklusion/",
        holding.send_conclusion,
        name="send-conclusion",
    ),
    path(
        "moeder/<int:day_pk>/indstilling/<int:booking_pk>/aftaler/",
        holding.add_follow_up,
        name="follow-up-add",
    ),
    path(
        "moeder/<int:day_pk>/indstilling/<int:booking_pk>/breve/<int:message_pk>/sendt/",
        holding.record_letter_sent,
        name="letter-sent",
    ),
    path("moeder/aftaler/<int:pk>/gjort/", holding.follow_up_done, name="follow-up-done"),
    path(
        "moeder/<int:day_pk>/projektor/<int:booking_pk>/",
        holding.projector,
        name="projector",
    ),
    path(
        "moeder/<int:day_pk>/projektor/<int:booking_pk>/indhold/",
        holding.projector_content,
        name="projector-content",
    ),
]
