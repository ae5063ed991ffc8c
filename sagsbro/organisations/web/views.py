"""The log-in page. In the demo it lists the demo users so a visitor can try each role."""

from django.conf import settings
from django.contrib.auth.views import LoginView

from sagsbro.organisations.models import User

DEMO_PASSWORD = "demo1234"


def demo_users() -> list[User]:
    """Active users by organisation (municipalities and regions alike), then username."""
    users = User.objects.filter(is_active=True).select_related("municipality", "region")
    return sorted(users, key=lambda u: (u.organisation_name == "", u.organisation_name, u.username))


class SagsbroLoginView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if getattr(settings, "SAGSBRO_SHOW_DEMO_LOGINS", False):
            context["demo_users"] = demo_users()
            context["demo_password"] = DEMO_PASSWORD
        return context
