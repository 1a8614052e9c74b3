"""Background jobs of plans: delivering a reminder or 督办单 to an organization's group robot."""

from __future__ import annotations

from django_tasks import task

from .delivery import delivery_attempt


@task()
def deliver(delivery_id: int) -> None:
    """One attempt; a failure schedules the next one (delivery.delivery_attempt)."""
    delivery_attempt(delivery_id)
