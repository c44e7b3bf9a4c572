"""Force administrators manage their teams and their own missed-opportunity entries; the demo shows the feature."""

from io import StringIO

from django.core.management import call_command

from response_platform.accounts import fresh_otp
from response_platform.accounts.models import Role, User
from reviews.models import IncidentLog, MissedOpportunity, Review, Team, TeamMembership
from tests.personas import make_user, verified_client
from tests.reviews.helpers import team


def admin_client(people, force=None):
    admin = make_user("fadmin", force or people.force_a, Role.FORCE_ADMIN)
    admin.is_staff = True
    admin.save()
    client = verified_client(admin)
    session = client.session
    fresh_otp.mark_fresh(session)  # admin changes ask for a recent code
    session.save()
    return client


def test_a_force_administrator_makes_a_team_of_their_own_staff(people):
    client = admin_client(people)
    page = client.get("/admin/reviews/team/add/").content.decode()
    assert ">carol<" in page and ">olivia<" not in page and "Force B" not in page
    response = client.post(
        "/admin/reviews/team/add/",
        {
            "force": people.force_a.pk,
            "name": "Blue watch",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": people.carol.pk,
        },
    )
    assert response.status_code == 302
    assert TeamMembership.objects.get().team == Team.objects.get(name="Blue watch", force=people.force_a)


def test_a_force_administrator_sees_only_their_forces_teams(people):
    team(people.force_a, "Blue watch")
    theirs = team(people.force_b, "Their watch")
    client = admin_client(people)
    page = client.get("/admin/reviews/team/").content.decode()
    assert "Blue watch" in page and "Their watch" not in page
    assert client.get(f"/admin/reviews/team/{theirs.pk}/change/").status_code == 302  # "does not exist"


def test_a_force_administrator_adds_entries_but_leaves_everyones_alone(people):
    client = admin_client(people)
    shared = MissedOpportunity.objects.get(label="Safety advice not given")
    response = client.post(f"/admin/reviews/missedopportunity/{shared.pk}/change/", {"label": "x", "order": 1})
    assert response.status_code == 403
    response = client.post(
        "/admin/reviews/missedopportunity/add/",
        {"force": people.force_a.pk, "label": "ANPR not checked", "active": "on", "order": 5},
    )
    assert response.status_code == 302
    assert MissedOpportunity.objects.get(label="ANPR not checked").force == people.force_a
    MissedOpportunity.objects.create(force=people.force_b, label="Force B only")
    page = client.get("/admin/reviews/missedopportunity/").content.decode()
    assert "Safety advice not given" in page and "ANPR not checked" in page and "Force B only" not in page


def test_the_demo_call_handler_has_incidents_and_a_review(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    handler = User.objects.get(username="callhandler")
    assert IncidentLog.objects.filter(call_handler=handler).count() == 3
    assert Review.objects.get().missed_opportunities.count() == 2
    # Seeding again adds nothing.
    call_command("seed_demo", stdout=StringIO())
    assert IncidentLog.objects.count() == 3
