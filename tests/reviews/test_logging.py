"""A call handler logs the domestic-abuse incidents they handled."""

from django.db import connection
from django.utils import timezone

from response_platform.audit.models import AuditEvent
from reviews.models import IncidentLog
from tests.personas import open_case, verified_client
from tests.reviews.helpers import NOTES, log


def form_data(**overrides) -> dict:
    data = {
        "incident_reference": "INC-7001",
        "handled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "decision": "police_dispatched",
        "notes": NOTES,
        "risk_injured": "yes",
        "risk_abuser_present": "no",
        "risk_children": "unknown",
        "risk_weapons": "not_asked",
        "risk_strangulation": "not_asked",
        "risk_frightened": "yes",
        "risk_previous": "not_asked",
    }
    return data | overrides


def test_a_call_handler_starts_on_their_own_incidents(people):
    response = verified_client(people.carol).get("/")
    assert response["Location"] == "/reviews/my-incidents/"


def test_a_call_handler_logs_an_incident_and_sees_it_waiting_for_review(people):
    client = verified_client(people.carol)
    response = client.post("/reviews/my-incidents/new/", form_data(), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "INC-7001" in page and "Police dispatched" in page and "Waiting for review" in page
    incident = IncidentLog.objects.get()
    assert incident.call_handler == people.carol and incident.force == people.force_a
    assert incident.risk_answers["injured"] == "yes" and incident.risk_answers["children"] == "unknown"
    assert incident.notes == NOTES and not incident.is_training
    audit = AuditEvent.objects.get(object_type="reviews.incidentlog", object_id=str(incident.pk))
    assert audit.action == "collection" and audit.actor_username == "carol"


def test_the_risk_answers_and_notes_are_encrypted_at_rest(people):
    incident = log(people.carol)
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes, risk_answers FROM reviews_incidentlog WHERE id = %s", [incident.pk])
        notes, answers = cursor.fetchone()
    assert "whispered" not in notes and "children" not in answers


def test_an_incident_is_linked_to_the_forces_case_with_its_reference(people):
    case = open_case(people.alice, reference="INC-7001")
    open_case(people.olivia, reference="INC-7002")
    assert log(people.carol, "INC-7001").case == case
    # Another force's case with the same reference is not this force's incident.
    assert log(people.carol, "INC-7002").case is None


def test_a_training_exercise_is_marked_as_such(people):
    client = verified_client(people.carol)
    client.post("/reviews/my-incidents/new/", form_data(is_training="on"))
    assert IncidentLog.objects.get().is_training


def test_an_incident_in_the_future_is_refused(people):
    client = verified_client(people.carol)
    response = client.post("/reviews/my-incidents/new/", form_data(handled_at="2099-01-01T10:00"))
    assert "That time has not come yet." in response.content.decode()
    assert not IncidentLog.objects.exists()


def test_only_call_handlers_log_incidents(people):
    for user in (people.alice, people.bob):
        response = verified_client(user).post("/reviews/my-incidents/new/", form_data())
        assert response.status_code == 403
    assert not IncidentLog.objects.exists()


def test_the_log_page_offers_every_key_risk_question(people):
    page = verified_client(people.carol).get("/reviews/my-incidents/new/").content.decode()
    assert "Are there children in the household?" in page and "Asked, not known" in page
