"""How a queued letter leaves the system. The real delivery (Digital Post, the GP's
EDIFACT/MedCom inbox) comes later; until then a channel that records what it was given keeps
the flow honest: a letter is sent only when a channel says so."""

from __future__ import annotations

from typing import Protocol

from sagsbro.messaging.models import OutgoingMessage


class DeliveryChannel(Protocol):
    def deliver(self, message: OutgoingMessage) -> str:
        """Deliver the message; return the channel's reference. Raise when it failed."""
        ...


class RecordingChannel:
    """Keeps the delivered messages in memory and answers with a running reference."""

    def __init__(self) -> None:
        self.delivered: list[OutgoingMessage] = []

    def deliver(self, message: OutgoingMessage) -> str:
        self.delivered.append(message)
        return f"registreret-{len(self.delivered)}"
