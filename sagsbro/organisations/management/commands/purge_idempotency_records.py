"""Delete the stored answers to Idempotency-Key requests older than IDEMPOTENCY_KEY_TTL (24
hours). Run it daily (cron or the scheduler); a key is answered only within its lifetime
whether or not the rows are gone yet."""

from django.core.management.base import BaseCommand

from sagsbro.organisations.idempotency import purge_expired


class Command(BaseCommand):
    help = "Slet gemte svar på Idempotency-Key-anmodninger, der er ældre end deres levetid."

    def handle(self, *args, **options):
        deleted = purge_expired()
        self.stdout.write(f"{deleted} udløbne idempotensnøgler slettet.")
