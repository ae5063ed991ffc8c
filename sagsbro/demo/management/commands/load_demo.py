"""Load the demo data and print the demo log-ins."""

from django.core.management.base import BaseCommand

from sagsbro.cases.models import Case
from sagsbro.demo.load import load_demo


def _row(values, widths):
    return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()


class Command(BaseCommand):
    help = "Indlæs demodata (kommuner, regioner, brugere og sager) og vis demo-log-ins."

    def handle(self, *args, **options):
        if Case.objects.exists():
            self.stdout.write("Demodata er allerede indlæst.")
            return
        logins = load_demo()
        if not logins:
            self.stdout.write("Demodata er allerede indlæst.")
            return
        headers = ("Brugernavn", "Adgangskode", "Rolle", "Organisation")
        rows = [(x.username, x.password, x.role, x.organisation) for x in logins]
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write(f"Demodata indlæst: {Case.objects.count()} sager.\n")
        self.stdout.write(_row(headers, widths))
        self.stdout.write(line)
        for row in rows:
            self.stdout.write(_row(row, widths))
