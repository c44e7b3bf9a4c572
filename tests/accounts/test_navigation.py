"""The navigation bar shows each role its own way in, and counts what is waiting for it."""

from datetime import timedelta

from django.utils import timezone

from referrals.models import Referral
from tests.personas import verified_client
from tests.referrals.referral_rows import a_referral


def nav_of(user) -> str:
    page = verified_client(user).get("/cases/" if user.force_id else "/portal/").content.decode()
    return page.split("<nav", 1)[1].split("</nav>", 1)[0]


def test_a_support_worker_sees_only_the_inbox(people):
    nav = nav_of(people.sid)
    assert "Referrals inbox" in nav
    assert "Cases" not in nav and "Overdue referrals" not in nav


def test_a_supervisor_sees_how_many_referrals_are_escalated(people):
    referral = a_referral(people, sla_hours=1, sent_hours_ago=2)
    assert 'id="nav-escalations">Overdue referrals</a>' in nav_of(people.bob)
    Referral.objects.filter(pk=referral.pk).update(escalation_level=1, escalated_at=timezone.now() - timedelta(hours=1))
    assert '<span class="badge">1</span>' in nav_of(people.bob)
    # Another force's supervisor-level staff see nothing of it.
    assert '<span class="badge">' not in nav_of(people.olivia)


def test_a_call_handler_is_not_offered_pages_they_may_not_open(people):
    nav = nav_of(people.carol)
    assert "Cases" in nav
    assert "Overdue referrals" not in nav and "Texts from callers" not in nav
