"""A review records missed safeguarding opportunities and feedback the call handler sees on their own page."""

import pytest

from response_platform.audit.models import AuditEvent
from reviews.models import MissedOpportunity, Review
from tests.personas import verified_client
from tests.reviews.helpers import NOTES, log, missed, review

CHILDREN = "Children in the household not identified"
DASH = "DASH risk questions not asked"


def review_form(*opportunities, outcome="learning_points", feedback="Ask about children next time.") -> dict:
    return {"outcome": outcome, "feedback": feedback, "missed": [item.pk for item in opportunities]}


def own_page(user) -> str:
    response = verified_client(user).get("/reviews/my-incidents/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_review_page_shows_what_the_call_handler_logged_and_records_the_look(people):
    incident = log(people.carol)
    page = verified_client(people.alice).get(f"/reviews/incidents/{incident.pk}/").content.decode()
    assert NOTES in page and "Are there children in the household?" in page
    assert "Coercive control indicators missed" in page  # the configurable list is offered
    entry = AuditEvent.objects.filter(object_type="reviews.incidentlog", action="consultation").get()
    assert entry.actor_username == "alice" and entry.object_id == str(incident.pk)


def test_a_specialist_reviews_an_incident_with_missed_opportunities(people):
    incident = log(people.carol)
    response = verified_client(people.alice).post(
        f"/reviews/incidents/{incident.pk}/", review_form(*missed(CHILDREN, DASH))
    )
    assert response.status_code == 302 and response["Location"] == "/reviews/queue/"
    saved = Review.objects.get(incident=incident)
    assert saved.reviewer == people.alice and saved.outcome == "learning_points"
    assert sorted(saved.missed_opportunities.values_list("label", flat=True)) == sorted([CHILDREN, DASH])
    assert AuditEvent.objects.filter(object_id=str(incident.pk), action="alteration").exists()
    # It has left the queue.
    assert f'data-incident="{incident.pk}"' not in verified_client(people.alice).get("/reviews/queue/").content.decode()


def test_the_call_handler_sees_the_feedback_on_their_own_page_and_nobody_elses_does(people, cath):
    incident = log(people.carol, "INC-CAROL")
    review(incident, people.alice, CHILDREN, feedback="Ask about children next time.")
    page = own_page(people.carol)
    assert "Ask about children next time." in page and CHILDREN in page and "Learning points" in page
    # Another call handler of the same force sees neither the incident nor its feedback.
    other = own_page(cath)
    assert "INC-CAROL" not in other and "Ask about children" not in other


def test_the_call_handler_acknowledges_the_feedback(people, cath):
    incident = log(people.carol)
    review(incident, people.alice, CHILDREN)
    assert '<span class="badge">1</span>' in own_page(people.carol)
    # Nobody else may acknowledge it for her.
    assert verified_client(cath).post(f"/reviews/my-incidents/{incident.pk}/acknowledge/").status_code == 404
    response = verified_client(people.carol).post(f"/reviews/my-incidents/{incident.pk}/acknowledge/")
    assert response.status_code == 302
    assert Review.objects.get().acknowledged_at is not None
    page = own_page(people.carol)
    assert "You read this on" in page and '<span class="badge">' not in page


def test_a_corrected_review_must_be_read_again(people):
    incident = log(people.carol)
    review(incident, people.alice, CHILDREN)
    verified_client(people.carol).post(f"/reviews/my-incidents/{incident.pk}/acknowledge/")
    verified_client(people.bob).post(
        f"/reviews/incidents/{incident.pk}/", review_form(outcome="serious_concern", feedback="Call me, please.")
    )
    saved = Review.objects.get()
    assert saved.acknowledged_at is None and saved.reviewer == people.bob and saved.outcome == "serious_concern"
    assert not saved.missed_opportunities.exists()
    assert "Call me, please." in own_page(people.carol)


def test_a_review_with_learning_points_needs_feedback(people):
    incident = log(people.carol)
    response = verified_client(people.alice).post(f"/reviews/incidents/{incident.pk}/", review_form(feedback=""))
    assert "Say what the call handler can learn from this." in response.content.decode()
    assert not Review.objects.exists()


def test_the_list_is_configurable_per_force(people):
    ours = MissedOpportunity.objects.create(force=people.force_a, label="Force A: ANPR not checked")
    theirs = MissedOpportunity.objects.create(force=people.force_b, label="Force B: own item")
    MissedOpportunity.objects.filter(label=DASH).update(active=False)
    incident = log(people.carol)
    page = verified_client(people.alice).get(f"/reviews/incidents/{incident.pk}/").content.decode()
    assert ours.label in page and theirs.label not in page and DASH not in page
    # Another force's entry cannot be slipped in by hand.
    response = verified_client(people.alice).post(f"/reviews/incidents/{incident.pk}/", review_form(theirs))
    assert response.status_code == 200 and not Review.objects.exists()


def test_another_forces_incident_is_not_found(people):
    incident = log(people.carol)
    client = verified_client(people.olivia)
    assert client.get(f"/reviews/incidents/{incident.pk}/").status_code == 404
    assert client.post(f"/reviews/incidents/{incident.pk}/", review_form()).status_code == 404
    assert not Review.objects.exists()
    assert not AuditEvent.objects.filter(action="consultation").exists()


def test_call_handlers_do_not_review(people, cath):
    incident = log(people.carol)
    assert verified_client(cath).get(f"/reviews/incidents/{incident.pk}/").status_code == 403
    assert verified_client(people.carol).get("/reviews/queue/").status_code == 403


@pytest.mark.parametrize("count", [1, 30])
def test_the_call_handlers_page_query_count_does_not_grow_with_the_incidents(people, count, django_assert_num_queries):
    for n in range(count):
        incident = log(people.carol, f"INC-{n:04d}", hours_ago=n + 1)
        if n % 2 == 0:
            review(incident, people.alice, CHILDREN, DASH)
    client = verified_client(people.carol)
    # session, user, OTP device, the incidents with their reviews and reviewers, the reviews'
    # missed opportunities, the user's force (page header and timezone), and the navigation's
    # one count for a call handler (unread feedback).
    with django_assert_num_queries(7):
        response = client.get("/reviews/my-incidents/")
    assert response.content.decode().count('data-incident="') == count
