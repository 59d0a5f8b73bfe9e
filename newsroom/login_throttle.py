"""Admin login throttling: django-axes, counting per username and address and per address alone.

Per username and address (`AXES_FAILURE_LIMIT`, 5): an editor who mistypes is stopped without
locking out the colleagues behind the same office address. Per address across usernames
(`AXES_ADDRESS_FAILURE_LIMIT`, 20): credential stuffing, one address trying many usernames, is
stopped too. axes compares one count with one limit (the largest count of its lockout parameter
groups), so the address's count is scaled to the same limit here.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class UserAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # One count per group of settings.AXES_LOCKOUT_PARAMETERS, in its order.
        by_user, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # by_address reaches the address limit exactly when the scaled count reaches the user limit.
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(by_user, scaled)
