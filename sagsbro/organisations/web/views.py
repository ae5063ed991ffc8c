"""The log-in page (in the demo it lists the demo users so a visitor can try each role) and
the user's own API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView
from django.db.models import F
from django.db.models.functions import Coalesce
from django.forms.utils import ErrorList
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.generic import TemplateView

from sagsbro.organisations.models import User
from sagsbro.organisations.services import api_token_id, live_api_tokens, revoke_api_token
from sagsbro.organisations.signin import is_locked_out, lockout_message

DEMO_PASSWORD = "demo1234"
# A generated national data set has thousands of users (most of them GPs): the page lists
# the first ones and says how many there are.
DEMO_USERS_SHOWN = 60


def demo_users() -> list[User]:
    """The first active users (DEMO_USERS_SHOWN) by organisation (municipalities and regions
    alike; those of none last), then username."""
    return list(
        User.objects.filter(is_active=True)
        .select_related("municipality", "region")
        .annotate(organisation=Coalesce("municipality__name", "region__klinisk_funktion_name"))
        .order_by(F("organisation").asc(nulls_last=True), "username")[:DEMO_USERS_SHOWN]
    )


class SagsbroLoginView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if getattr(settings, "SAGSBRO_SHOW_DEMO_LOGINS", False):
            context["demo_users"] = demo_users()
            context["demo_users_total"] = User.objects.filter(is_active=True).count()
            context["demo_password"] = DEMO_PASSWORD
        return context

    def form_invalid(self, form):
        if not is_locked_out(self.request):
            return super().form_invalid(form)
        # Locked out: say so instead of "wrong password", which would invite more tries.
        form._errors["__all__"] = ErrorList([lockout_message()])
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 429
        return response


class ApiTokensView(LoginRequiredMixin, TemplateView):
    """Mine API-nøgler: the user's live tokens (never their values), each revocable."""

    template_name = "organisations/api_tokens.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assert isinstance(user, User)  # LoginRequiredMixin
        context["tokens"] = [
            {"id": api_token_id(token), "created": token.created, "expiry": token.expiry}
            for token in live_api_tokens(user)
        ]
        context["lifetime_hours"] = round(
            settings.SAGSBRO_API_TOKEN_LIFETIME.total_seconds() / 3600
        )
        return context

    def post(self, request, *args, **kwargs) -> HttpResponseRedirect:
        user = request.user
        assert isinstance(user, User)  # LoginRequiredMixin
        token_id = request.POST.get("token", "")
        token = next((t for t in live_api_tokens(user) if api_token_id(t) == token_id), None)
        if token is None:
            raise Http404
        revoke_api_token(user, token, channel="web")
        messages.success(request, "API-nøglen er tilbagekaldt.")
        return redirect("api-tokens")
