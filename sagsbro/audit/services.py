"""Writing the audit log. Reads are recorded where objects are fetched for a user (API and
views), writes in the service layer, both through `record`."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from sagsbro.audit import rules
from sagsbro.audit.checkpoints import CheckpointStore, FileCheckpointStore
from sagsbro.audit.models import AuditBlock, AuditEntry

# Whoever acts: a signed-in user, an anonymous visitor, or the system itself (None).
Actor = AbstractBaseUser | AnonymousUser | None


class CaseLike(Protocol):
    """What the audit log needs of a case; the audit app sits below the cases app."""

    @property
    def pk(self) -> Any: ...

    @property
    def citizen_id(self) -> int: ...


@dataclass(frozen=True)
class Subject:
    """What an entry is about: an object, and the case and citizen it belongs to."""

    object_type: str
    object_id: object
    case_id: int | None = None
    citizen_id: int | None = None


def _keys() -> tuple[dict[str, bytes], str]:
    """The audit keys (id -> secret) and the id of the one that seals new records."""
    return settings.SAGSBRO_AUDIT_KEYS, settings.SAGSBRO_AUDIT_CURRENT_KEY


def _fields(entry: AuditEntry) -> dict[str, object]:
    return {
        "at": entry.at.isoformat(),
        "user_id": entry.user_id,
        "username": entry.username,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "case_id": entry.case_id,
        "citizen_id": entry.citizen_id,
        "detail": entry.detail,
        "channel": entry.channel,
    }


def record_many(
    user: Actor, action: str, subjects: Iterable[Subject], *, detail: str = "", channel: str = "api"
) -> list[AuditEntry]:
    """Append one entry per subject in the caller's transaction, each MACed under the current
    key. No lock is shared between requests: the sealer chains the entries afterwards."""
    subjects = list(subjects)
    if not subjects:
        return []
    keys, key_id = _keys()
    key = keys[key_id]
    now = timezone.now()
    entries = []
    for subject in subjects:
        entry = AuditEntry(
            at=now,
            user_id=user.pk if user is not None and user.is_authenticated else None,
            username=getattr(user, "username", "") or "",
            role=getattr(user, "role", "") or "",
            action=action,
            object_type=subject.object_type[:40],
            object_id=str(subject.object_id)[:40],
            case_id=subject.case_id,
            citizen_id=subject.citizen_id,
            detail=detail[:200],
            channel=channel[:10],
            key_id=key_id,
        )
        entry.mac = rules.mac(key, _fields(entry))
        entries.append(entry)
    return AuditEntry.objects.bulk_create(entries)


def record(
    user: Actor, action: str, subject: Subject, *, detail: str = "", channel: str = "api"
) -> AuditEntry:
    return record_many(user, action, [subject], detail=detail, channel=channel)[0]


def case_subject(case: CaseLike) -> Subject:
    return Subject("case", case.pk, case_id=case.pk, citizen_id=case.citizen_id)


# Entries per block; a busy minute at national volume fits in a few blocks.
BLOCK_SIZE = 5000
# One sealer at a time on PostgreSQL (an advisory lock taken only by sealers, never by
# requests); SQLite's write lock already lets one writer through at a time.
_SEALER_LOCK = 0x5A6B0001


def checkpoint_store() -> CheckpointStore:
    return FileCheckpointStore(settings.SAGSBRO_AUDIT_CHECKPOINT_DIR)


def seal(
    *, using: str = DEFAULT_DB_ALIAS, limit: int = BLOCK_SIZE, store: CheckpointStore | None = None
) -> AuditBlock | None:
    """Seal the oldest unsealed entries (up to `limit`) into the next block, then write a
    signed checkpoint outside the database. Returns the block, or None if nothing waited.

    Run it outside a transaction (the sealer command does): the checkpoint is written after
    the block is committed, so it never names a block that was rolled back."""
    keys, key_id = _keys()
    key = keys[key_id]
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEALER_LOCK])
        pending = list(
            AuditEntry.objects.using(using)
            .filter(block__isnull=True)
            .order_by("id")
            .values_list("id", "mac")[:limit]
        )
        if not pending:
            return None
        last = AuditBlock.objects.using(using).order_by("-seq").first()
        facts = rules.BlockFacts(
            seq=(last.seq + 1) if last else 1,
            entry_count=len(pending),
            total_entries=(last.total_entries if last else 0) + len(pending),
            first_entry_id=pending[0][0],
            last_entry_id=pending[-1][0],
            merkle_root=rules.merkle_root(pending),
            previous_hash=last.block_hash if last else rules.GENESIS,
            sealed_at=timezone.now().isoformat(),
            key_id=key_id,
        )
        block = AuditBlock(
            **{**facts.fields(), "sealed_at": datetime.datetime.fromisoformat(facts.sealed_at)}
        )
        block.block_hash = rules.block_hash(key, facts)
        block.save(using=using)
        ids = [entry_id for entry_id, _ in pending]
        for start in range(0, len(ids), 1000):
            # The one change the database allows on an entry: setting its block, once.
            models.QuerySet.update(
                AuditEntry.objects.using(using).filter(id__in=ids[start : start + 1000]),
                block=block,
            )
    checkpoint = rules.Checkpoint(
        seq=facts.seq,
        total_entries=facts.total_entries,
        last_entry_id=facts.last_entry_id,
        block_hash=block.block_hash,
        sealed_at=facts.sealed_at,
        key_id=key_id,
    ).signed(key)
    (store or checkpoint_store()).append(checkpoint)
    return block


def seal_all(*, using: str = DEFAULT_DB_ALIAS, store: CheckpointStore | None = None) -> int:
    """Seal until nothing waits; the number of blocks made."""
    made = 0
    while seal(using=using, store=store) is not None:
        made += 1
    return made


@dataclass
class ChainReport:
    """What verify_chain found. Problems are written for people (Danish), with no citizen data."""

    entries_checked: int = 0
    blocks_checked: int = 0
    unsealed: int = 0
    checkpoints_checked: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_entry_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad_entry(self, entry_id: int, problem: str) -> None:
        if self.first_bad_entry_id is None or entry_id < self.first_bad_entry_id:
            self.first_bad_entry_id = entry_id
        self.problems.append(problem)

    def status_line(self) -> str:
        if self.ok:
            return (
                f"Revisionsloggen er intakt: {self.entries_checked} poster i "
                f"{self.blocks_checked} forseglede blokke, {self.unsealed} endnu ikke "
                f"forseglet, {self.checkpoints_checked} kontrolpunkter stemmer."
            )
        return f"Revisionsloggen er brudt: {len(self.problems)} fejl. " + " ".join(
            self.problems[:5]
        )


def _check_entry(report: ChainReport, keys: dict[str, bytes], entry: AuditEntry) -> None:
    report.entries_checked += 1
    try:
        key = rules.key_for(keys, entry.key_id)
    except rules.UnknownKeyError:
        report.bad_entry(entry.pk, f"Post {entry.pk} er forseglet med en ukendt nøgle.")
        return
    if not rules.mac_matches(key, _fields(entry), entry.mac):
        report.bad_entry(entry.pk, f"Post {entry.pk} er ændret efter den blev skrevet.")


def _check_block(
    report: ChainReport,
    keys: dict[str, bytes],
    block: AuditBlock,
    expected_seq: int,
    previous: AuditBlock | None,
    using: str,
) -> None:
    report.blocks_checked += 1
    if block.seq != expected_seq:
        report.problems.append(
            f"Blok {expected_seq} mangler (næste blok er {block.seq}): loggen er afkortet."
        )
    entries = list(AuditEntry.objects.using(using).filter(block=block).order_by("id"))
    for entry in entries:
        _check_entry(report, keys, entry)
    leaves = [(entry.pk, entry.mac) for entry in entries]
    facts = rules.BlockFacts(
        seq=block.seq,
        entry_count=block.entry_count,
        total_entries=block.total_entries,
        first_entry_id=block.first_entry_id,
        last_entry_id=block.last_entry_id,
        merkle_root=block.merkle_root,
        previous_hash=block.previous_hash,
        sealed_at=block.sealed_at.isoformat(),
        key_id=block.key_id,
    )
    try:
        key = rules.key_for(keys, block.key_id)
    except rules.UnknownKeyError:
        report.problems.append(f"Blok {block.seq} er forseglet med en ukendt nøgle.")
        return
    if not rules.mac_matches(key, facts.fields(), block.block_hash):
        report.problems.append(f"Blok {block.seq} er ændret efter forseglingen.")
    if block.previous_hash != (previous.block_hash if previous else rules.GENESIS):
        report.problems.append(f"Blok {block.seq} følger ikke blokken før den.")
    expected_total = (previous.total_entries if previous else 0) + block.entry_count
    if block.total_entries != expected_total:
        report.problems.append(f"Blok {block.seq} tæller forkert: blokke før den mangler.")
    if len(entries) != block.entry_count or rules.merkle_root(leaves) != block.merkle_root:
        missing = block.entry_count - len(entries)
        report.problems.append(
            f"Blok {block.seq} har {len(entries)} poster, men blev forseglet med "
            f"{block.entry_count}"
            + (
                f": {missing} poster er slettet."
                if missing > 0
                else ": posterne er ændret, flyttet eller byttet om."
            )
        )
        # A missing entry cannot be named; the block's first one is where to start looking.
        if report.first_bad_entry_id is None:
            report.first_bad_entry_id = entries[0].pk if entries else block.first_entry_id


def verify_chain(
    *, using: str = DEFAULT_DB_ALIAS, store: CheckpointStore | None = None
) -> ChainReport:
    """Check every entry's MAC, every block's root and link, and the database against every
    signed checkpoint kept outside it."""
    keys, _ = _keys()
    report = ChainReport()
    previous: AuditBlock | None = None
    blocks_by_seq: dict[int, str] = {}
    for block in AuditBlock.objects.using(using).order_by("seq").iterator():
        _check_block(report, keys, block, (previous.seq + 1) if previous else 1, previous, using)
        blocks_by_seq[block.seq] = block.block_hash
        previous = block
    for entry in (
        AuditEntry.objects.using(using).filter(block__isnull=True).order_by("id").iterator()
    ):
        report.unsealed += 1
        _check_entry(report, keys, entry)
    newest = previous.seq if previous else 0
    for checkpoint in (store or checkpoint_store()).all():
        if isinstance(checkpoint, str):
            report.problems.append(f"Kontrolpunkt: {checkpoint}.")
            continue
        report.checkpoints_checked += 1
        try:
            key = rules.key_for(keys, checkpoint.key_id)
        except rules.UnknownKeyError:
            report.problems.append(f"Kontrolpunkt {checkpoint.seq} har en ukendt nøgle.")
            continue
        if not checkpoint.signature_holds(key):
            report.problems.append(f"Kontrolpunkt {checkpoint.seq} er ikke gyldigt underskrevet.")
        elif checkpoint.seq > newest:
            report.problems.append(
                f"Et kontrolpunkt kender blok {checkpoint.seq} med {checkpoint.total_entries} "
                f"poster, men loggen slutter ved blok {newest}: nyeste poster er slettet."
            )
        elif blocks_by_seq.get(checkpoint.seq) != checkpoint.block_hash:
            report.problems.append(
                f"Blok {checkpoint.seq} svarer ikke til kontrolpunktet: loggen er omskrevet."
            )
    if newest and report.checkpoints_checked == 0:
        report.problems.append("Der findes forseglede blokke, men ingen kontrolpunkter.")
    return report
