"""Web pages for documents (the REST API lives under sagsbro/documents/api/)."""

from django.urls import path

from sagsbro.documents.web import views

app_name = "documents"

urlpatterns = [
    path(
        "sager/<int:pk>/svar/<int:advice_pk>/pdf/igen/",
        views.retry_answer_pdf,
        name="retry-answer-pdf",
    ),
]
