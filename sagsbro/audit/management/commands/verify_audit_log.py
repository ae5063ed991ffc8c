"""Check the whole audit log against its keys and its checkpoints; exit 1 if broken."""

import sys

from django.core.management.base import BaseCommand

from sagsbro.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify every audit entry, block and checkpoint; exit status 1 if tampering is found."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(report.status_line())
            return
        self.stderr.write(f"Revisionsloggen er brudt: {len(report.problems)} fejl.")
        for problem in report.problems:
            self.stderr.write(f"- {problem}")
        sys.exit(1)
