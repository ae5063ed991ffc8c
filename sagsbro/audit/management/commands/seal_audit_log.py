"""Seal the audit log's new entries into blocks and write their signed checkpoints.

Run with --loop beside the web server and the task worker (scripts/demo does); several may
run on several machines, as only one seals at a time."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import OperationalError, close_old_connections

from sagsbro.audit.services import seal_all


class Command(BaseCommand):
    help = "Seal new audit-log entries into blocks, once or (--loop) every few seconds."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep sealing until stopped")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.SAGSBRO_AUDIT_SEAL_INTERVAL,
            help="seconds between runs with --loop",
        )

    def handle(self, *args, loop=False, interval=5.0, **options):
        while True:
            close_old_connections()
            try:
                made = seal_all()
            except OperationalError as error:
                # A busy or briefly unreachable database: try again next round.
                self.stderr.write(f"sealing postponed: {error.__class__.__name__}")
                made = 0
            if made or not loop:
                self.stdout.write(f"{made} blok(ke) forseglet")
            if not loop:
                return
            time.sleep(interval)
