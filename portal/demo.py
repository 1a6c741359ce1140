"""The demo's public portal: every evaluated period made public (the portal opens on the latest,
2026 on today's map; 2021-2025 are history). A real province publishes period by period."""

from assessments.queries import evaluated_periods
from portal import services


def ensure_demo_portal() -> list[str]:
    return [services.publish_period(None, p).period.code for p in evaluated_periods()]
