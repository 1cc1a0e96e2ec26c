"""The existing-connections survey: designing, opening and closing it, answering with consent, the
analysis (hand-computed, the same fixture as the pure test), privacy of names, the pages and downloads."""

import datetime

import networkx as nx
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catchment.accounts.tests.factories import OrganisationFactory, UserFactory
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory
from catchment.insights import surveys
from catchment.insights.models import ConnectionSurvey, MapOptOut, SurveyContact, SurveyResponse
from catchment.insights.surveys import AnswerData, ContactData, SurveyData, SurveyError
from catchment.insights.tests.test_compute import member

CHANNELS = ["email", "messaging", "linkedin", "meetings"]


@pytest.fixture
def setting(db):
    """A community in design, its convenor, and four respondents A, B, C, D (organisations 1, 1, 2, 3)."""
    community = CommunityFactory(slug="basin", stage="design", visibility="public")
    org1, org2, org3 = (OrganisationFactory(name=f"Org {n}") for n in (1, 2, 3))
    convenor = member(community, role=Role.CONVENOR, organisation=org1)
    people = {
        "A": member(community, organisation=org1),
        "B": member(community, organisation=org1),
        "C": member(community, organisation=org2),
        "D": member(community, organisation=org3),
    }
    for key, person in people.items():
        person.display_name = f"Person {key} Ndlovu"
        person.save()
    survey = surveys.survey_save(
        actor=convenor,
        community=community,
        data=SurveyData(topic="drought early warning", channels=CHANNELS),
    )
    surveys.survey_set_status(actor=convenor, survey=survey, status="open")
    survey.refresh_from_db()
    return community, convenor, people, survey


def answer(person, survey, *contacts, named=False):
    return surveys.answer_save(
        actor=person, survey=survey, data=AnswerData(contacts=list(contacts), named=named, consent=True)
    )


def fixture_answers(people, survey):
    """The ties of the pure test (X is an outsider in organisation 2, named by everyone)."""
    a, b, c, d = (people[k] for k in "ABCD")
    answer(
        a,
        survey,
        ContactData("Person C Ndlovu", ["email", "meetings"], "", 3),
        ContactData("Xolani Outside", ["messaging"], "Org 2", 4),
        named=True,
    )
    answer(
        b,
        survey,
        ContactData("person a ndlovu", ["email"], "", 4),
        ContactData("Xolani Outside", ["messaging"], "Org 2", 3),
    )
    answer(
        c,
        survey,
        ContactData("Xolani Outside", ["email"], "Org 2", 2),
        ContactData("Person D Ndlovu", ["linkedin"], "", 1),
    )
    answer(
        d,
        survey,
        ContactData("Xolani  Outside", ["messaging"], "org 2", 5),
        ContactData("Person A Ndlovu", ["email"], "", 2),
    )


def test_the_analysis_matches_the_hand_computed_fixture(setting):
    _community, _convenor, people, survey = setting
    fixture_answers(people, survey)
    results = surveys.compute_survey(survey)
    assert results["respondents"] == 4
    assert results["named"] == 4 and results["outside"] == 1
    assert results["cross_organisation"] == 0.75
    by_channel = {row["channel"]: row for row in results["channels"]}
    assert by_channel["email"]["reach"] == 1.0 and by_channel["email"]["bridging"] == 0.0
    assert by_channel["email"]["respondents"] == 4 and by_channel["email"]["ties"] == 4
    assert by_channel["messaging"]["reach"] == 0.75 and by_channel["messaging"]["bridging"] == 1.0
    assert results["recommended"] == ["email", "messaging"]
    # People are opaque ids of this survey, most turned-to first: X (n1), then A (n2).
    assert results["go_to"] == ["n1", "n2"]
    assert results["to_draw_in"] == ["n1"]  # the outsider everyone turns to
    assert results["accounts"]["n2"] == people["A"].pk and "n1" not in results["accounts"]
    assert all(node["id"].startswith("n") for node in results["nodes"])
    assert {s for s, _t, _c, _f in results["ties"]} <= set(results["accounts"])
    assert results["summary"]["density"] == 0.8 and results["summary"]["reciprocity"] == 0.0
    # Names typed by respondents never reach the stored analysis.
    assert "Xolani" not in str(results) and "Ndlovu" not in str(results)
    kinds = {node["id"]: node["kind"] for node in results["nodes"]}
    assert kinds["n1"] == "outside" and kinds["n2"] == "respondent"
    assert survey.computed_at is not None and not ConnectionSurvey.objects.get(pk=survey.pk).results_stale


def test_names_match_one_hub_account_only_when_unambiguous(setting):
    _community, _convenor, people, survey = setting
    UserFactory(display_name="Twin Name")
    UserFactory(display_name="Twin Name")
    answer(
        people["A"],
        survey,
        ContactData("  PERSON b   ndlovu ", ["email"]),
        ContactData("Twin Name", ["email"]),
    )
    contacts = {c.name: c.person_id for c in SurveyContact.objects.all()}
    assert contacts == {"PERSON b ndlovu": people["B"].pk, "Twin Name": None}


def test_answers_need_consent_and_can_be_replaced_and_withdrawn(setting, django_capture_on_commit_callbacks):
    _community, _convenor, people, survey = setting
    with pytest.raises(SurveyError):
        surveys.answer_save(actor=people["A"], survey=survey, data=AnswerData(consent=False))
    answer(people["A"], survey, ContactData("Someone", ["email"]))
    answer(people["A"], survey, ContactData("Someone else", ["linkedin", "not-a-channel"]))
    assert SurveyResponse.objects.count() == 1
    assert [(c.name, c.channels) for c in SurveyContact.objects.all()] == [("Someone else", "linkedin")]
    survey.refresh_from_db()
    assert survey.results_stale
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys.answer_withdraw(actor=people["A"], survey=survey)
    assert not SurveyResponse.objects.exists() and not SurveyContact.objects.exists()
    survey.refresh_from_db()
    assert survey.results["respondents"] == 0  # the withdrawn answers left the analysis at once
    assert not surveys.answer_withdraw(actor=people["A"], survey=survey)


def test_bad_answers_are_refused_with_a_reason(setting):
    _community, _convenor, people, survey = setting
    with pytest.raises(SurveyError, match="twice"):
        answer(people["A"], survey, ContactData("Ana", ["email"], "X"), ContactData("ana", ["linkedin"], "x"))
    with pytest.raises(SurveyError, match="channels"):
        answer(people["A"], survey, ContactData("Ana", ["calls"]))  # not a channel of this survey
    with pytest.raises(SurveyError, match="at most"):
        answer(
            people["A"], survey, *(ContactData(f"P{n}", ["email"]) for n in range(surveys.MAX_CONTACTS + 1))
        )
    assert not SurveyResponse.objects.exists()


def test_who_may_design_open_and_answer(setting):
    community, convenor, people, survey = setting
    with pytest.raises(PermissionDenied):
        surveys.survey_save(
            actor=people["A"], community=community, data=SurveyData(topic="x", channels=["email"])
        )
    with pytest.raises(SurveyError):
        surveys.survey_save(actor=convenor, community=community, data=SurveyData(topic="x", channels=[]))
    with pytest.raises(SurveyError):
        surveys.survey_save(
            actor=convenor,
            community=community,
            data=SurveyData(topic="x", channels=["email"], closes_on=datetime.date(2000, 1, 1)),
        )
    outsider = UserFactory()  # the audience of a public community need not be in it yet
    answer(outsider, survey, ContactData("Someone", ["email"]))
    surveys.survey_set_status(actor=convenor, survey=survey, status="closed")
    with pytest.raises(PermissionDenied):
        answer(people["B"], survey, ContactData("Someone", ["email"]))
    draft = surveys.survey_save(
        actor=convenor, community=community, data=SurveyData(topic="y", channels=["email"])
    )
    with pytest.raises(SurveyError):
        surveys.survey_set_status(actor=convenor, survey=draft, status="closed")
    with pytest.raises(PermissionDenied):
        answer(people["B"], draft, ContactData("Someone", ["email"]))


def test_a_channel_people_used_cannot_be_removed(setting):
    community, convenor, people, survey = setting
    answer(people["A"], survey, ContactData("Someone", ["linkedin"]))
    with pytest.raises(SurveyError, match="LinkedIn"):
        surveys.survey_save(
            actor=convenor,
            community=community,
            data=SurveyData(topic="drought", channels=["email"]),
            survey=survey,
        )
    surveys.survey_save(
        actor=convenor,
        community=community,
        data=SurveyData(topic="drought", channels=["linkedin", "calls"]),
        survey=survey,
    )
    survey.refresh_from_db()
    assert survey.channel_list == ["linkedin", "calls"]


def test_the_nightly_run_closes_expired_surveys_and_analyses_new_answers(
    setting, django_capture_on_commit_callbacks
):
    _community, _convenor, people, survey = setting
    answer(people["A"], survey, ContactData("Someone", ["email"]))
    ConnectionSurvey.objects.filter(pk=survey.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys.nightly() == 1
    survey.refresh_from_db()
    assert survey.status == "closed" and survey.results["respondents"] == 1
    assert not surveys.accepting(survey)
    assert surveys.nightly() == 0  # nothing new


# Pages ---------------------------------------------------------------------------------------------------


def form_data(rows, consent=True, named=False, initial=0):
    data = {
        "contact-TOTAL_FORMS": str(len(rows)),
        "contact-INITIAL_FORMS": str(initial),
        "contact-MIN_NUM_FORMS": "0",
        "contact-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"contact-{index}-{key}"] = value
    if consent:
        data["consent"] = "on"
    if named:
        data["named"] = "on"
    return data


def test_a_member_answers_on_the_page_without_javascript(client, setting):
    _community, _convenor, people, survey = setting
    client.force_login(people["A"])
    home = client.get("/communities/basin/").content.decode()
    assert "Answer the survey" in home
    url = f"/communities/basin/surveys/{survey.pk}/"
    page = client.get(url).content.decode()
    assert "Whom do you turn to for advice on drought early warning?" in page
    assert 'list="survey-people"' in page and "Person B Ndlovu" in page  # suggestions from the community
    rows = [
        {
            "name": "Person B Ndlovu",
            "organisation": "Org 1",
            "channels": ["email", "messaging"],
            "frequency": "4",
        }
    ]
    # "More lines" keeps what was typed and adds empty lines; nothing is saved yet.
    more = client.post(url, {**form_data(rows), "more": "1"})
    assert more.status_code == 200 and 'value="Person B Ndlovu"' in more.content.decode()
    assert 'name="contact-5-name"' in more.content.decode()
    assert not SurveyResponse.objects.exists()
    # Without consent nothing is saved and the choices stay on the page.
    refused = client.post(url, form_data(rows, consent=False))
    assert refused.status_code == 400 and 'value="Person B Ndlovu"' in refused.content.decode()
    assert "Tick this box to agree" in refused.content.decode()
    # A line with a name but no channel says what is missing.
    missing = client.post(url, form_data([{"name": "Ana", "frequency": "2"}]))
    assert missing.status_code == 400 and "Tick at least one channel." in missing.content.decode()
    saved = client.post(url, form_data([*rows, {"name": "", "organisation": ""}]))
    assert saved.status_code == 302
    contact = SurveyContact.objects.get()
    assert (contact.person_id, contact.frequency, contact.channels) == (people["B"].pk, 4, "email,messaging")
    page = client.get(url).content.decode()
    assert "Save my changes" in page and 'value="Person B Ndlovu"' in page
    assert "Answer the survey" not in client.get("/communities/basin/").content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"consent": "on"},
        {"contact-TOTAL_FORMS": "x", "consent": "on"},
        {"contact-TOTAL_FORMS": "99999", "contact-INITIAL_FORMS": "0", "consent": "on"},
        form_data([{"name": "A", "channels": "email", "frequency": "nine"}]),
        form_data([{"name": "A" * 400, "channels": "email", "frequency": "3"}]),
        {**form_data([]), "more": "1", "contact-TOTAL_FORMS": "-4"},
    ],
)
def test_malformed_answers_never_fail(client, setting, data):
    _community, _convenor, people, survey = setting
    client.force_login(people["A"])
    response = client.post(f"/communities/basin/surveys/{survey.pk}/", data)
    assert response.status_code in {200, 400}
    assert not SurveyResponse.objects.exists()


def test_the_convenor_designs_opens_closes_and_reads_the_analysis(
    client, setting, django_capture_on_commit_callbacks
):
    _community, convenor, people, survey = setting
    client.force_login(convenor)
    created = client.post(
        "/communities/basin/surveys/new/",
        {"topic": "river restoration", "channels": ["email", "linkedin"], "introduction": "Why we ask"},
    )
    new = ConnectionSurvey.objects.get(topic="river restoration")
    assert created.status_code == 302 and new.status == "draft"
    assert "This is a preview" in client.get(f"/communities/basin/surveys/{new.pk}/").content.decode()
    bad = client.post("/communities/basin/surveys/new/", {"topic": "x", "channels": ["carrier-pigeon"]})
    assert bad.status_code == 400
    assert (
        client.post(f"/communities/basin/surveys/{new.pk}/status/", {"status": "nonsense"}).status_code == 302
    )
    client.post(f"/communities/basin/surveys/{new.pk}/status/", {"status": "open"})
    new.refresh_from_db()
    assert new.status == "open"

    fixture_answers(people, survey)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/communities/basin/surveys/{survey.pk}/status/", {"status": "closed"})
    page = client.get(f"/communities/basin/surveys/{survey.pk}/results/").content.decode()
    assert "To reach this audience, start with: Email, WhatsApp or another messaging app." in page
    assert "Person A Ndlovu" in page  # A allowed their name
    assert "Person B Ndlovu" not in page and "Xolani" not in page  # B did not; X never chose to be there
    assert 'id="network"' in page and "<circle" in page
    graphml = client.get(f"/communities/basin/surveys/{survey.pk}/results.graphml")
    graph = nx.parse_graphml(graphml.content.decode())
    assert graph.number_of_edges() == 9 and "Xolani" not in graphml.content.decode()
    csv_text = client.get(f"/communities/basin/surveys/{survey.pk}/results.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("respondent,respondent_organisation,turns_to")
    assert len(csv_text.strip().splitlines()) == 10 and "Person B Ndlovu" not in csv_text
    # A member who answered sees what everyone said about channels, and only that.
    client.force_login(people["B"])
    mine = client.get(f"/communities/basin/surveys/{survey.pk}/").content.decode()
    assert "What everyone said about channels" in mine and "Xolani Outside" in mine  # their own answer
    assert client.get(f"/communities/basin/surveys/{survey.pk}/results/").status_code == 404


def test_a_respondent_who_opts_out_of_maps_is_a_pseudonym(client, setting):
    _community, convenor, people, survey = setting
    fixture_answers(people, survey)
    surveys.compute_survey(survey)
    MapOptOut.objects.create(user=people["A"])
    client.force_login(convenor)
    page = client.get(f"/communities/basin/surveys/{survey.pk}/results/").content.decode()
    assert "Person A Ndlovu" not in page


def test_the_pages_run_a_constant_number_of_queries(client, setting):
    community, convenor, people, survey = setting
    client.force_login(people["A"])

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    answer(people["A"], survey, ContactData("One", ["email"]), named=True)
    surveys.compute_survey(survey)
    detail_small = count(f"/communities/basin/surveys/{survey.pk}/")
    client.force_login(convenor)
    results_small = count(f"/communities/basin/surveys/{survey.pk}/results/")
    list_small = count("/communities/basin/surveys/")
    for index in range(12):
        person = member(community)
        answer(
            person,
            survey,
            *(ContactData(f"Contact {index}-{n}", ["email", "linkedin"]) for n in range(5)),
            named=True,
        )
    answer(people["A"], survey, *(ContactData(f"More {n}", ["email"]) for n in range(20)))
    surveys.compute_survey(survey)
    surveys.survey_save(actor=convenor, community=community, data=SurveyData(topic="z", channels=["email"]))
    assert count(f"/communities/basin/surveys/{survey.pk}/results/") == results_small
    assert count("/communities/basin/surveys/") == list_small
    client.force_login(people["A"])
    assert count(f"/communities/basin/surveys/{survey.pk}/") == detail_small


# What the review found -------------------------------------------------------------------------------------


def test_nothing_shown_or_downloaded_carries_an_account_id(client, setting):
    _community, convenor, people, survey = setting
    fixture_answers(people, survey)
    surveys.compute_survey(survey)
    client.force_login(convenor)
    base = f"/communities/basin/surveys/{survey.pk}/"
    shown = (
        client.get(base + "results/").content.decode() + client.get(base + "results.graphml").content.decode()
    )
    for person in people.values():
        assert f'"u{person.pk}"' not in shown and f'"{person.pk}"' not in shown
    assert 'data-id="n1"' in shown


def test_respondents_withdraw_after_leaving_a_private_community(
    client, setting, django_capture_on_commit_callbacks
):
    community, _convenor, people, survey = setting
    community.visibility = "private"
    community.save()
    answer(people["B"], survey, ContactData("Someone", ["email"]))
    from catchment.communities import services as community_services

    community_services.membership_leave(actor=people["B"], community=community)
    client.force_login(people["B"])
    assert client.get(f"/communities/basin/surveys/{survey.pk}/").status_code == 404
    listing = client.get("/insights/my-survey-answers/").content.decode()
    assert "Advice on drought early warning" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/communities/basin/surveys/{survey.pk}/withdraw/")
    assert response.status_code == 302 and not SurveyResponse.objects.exists()
    # Someone who never answered finds nothing to withdraw.
    client.force_login(people["C"])
    assert client.post(f"/communities/basin/surveys/{survey.pk}/withdraw/").status_code == 404


def test_a_deleted_account_leaves_the_analysis_at_once(setting, django_capture_on_commit_callbacks):
    _community, _convenor, people, survey = setting
    fixture_answers(people, survey)
    surveys.compute_survey(survey)
    with django_capture_on_commit_callbacks(execute=True):
        people["B"].delete()
    survey.refresh_from_db()
    assert survey.results["respondents"] == 3 and not survey.results_stale


def test_archived_communities_close_their_surveys_and_old_closing_days_can_stay(setting):
    community, convenor, _people, survey = setting
    past = timezone.localdate() - datetime.timedelta(days=3)
    ConnectionSurvey.objects.filter(pk=survey.pk).update(closes_on=past)
    survey.refresh_from_db()
    surveys.nightly()
    survey.refresh_from_db()
    assert survey.status == "closed"
    # Editing the topic of a survey whose closing day has passed keeps that day.
    surveys.survey_save(
        actor=convenor,
        community=community,
        data=SurveyData(topic="drought early warning, again", channels=CHANNELS, closes_on=past),
        survey=survey,
    )
    other = surveys.survey_save(
        actor=convenor, community=community, data=SurveyData(topic="o", channels=CHANNELS)
    )
    surveys.survey_set_status(actor=convenor, survey=other, status="open")
    community.stage = "archived"
    community.save()
    surveys.nightly()
    other.refresh_from_db()
    assert other.status == "closed"


def test_more_lines_shows_what_was_typed_without_errors(client, setting):
    _community, _convenor, people, survey = setting
    client.force_login(people["A"])
    url = f"/communities/basin/surveys/{survey.pk}/"
    rows = [{"name": "Half typed"}, {"name": "Ana", "channels": ["email"], "frequency": "5"}]
    page = client.post(url, {**form_data(rows, consent=False), "more": "1"}).content.decode()
    assert "Tick at least one channel." not in page and "Please correct the errors" not in page
    assert 'value="Half typed"' in page and 'value="5" selected' in page
    assert 'name="contact-6-name"' in page and 'name="contact-7-name"' not in page


def test_the_list_waits_for_answers_only_while_a_survey_takes_them(client, setting):
    _community, _convenor, people, survey = setting
    client.force_login(people["A"])
    assert "waiting for your answer" in client.get("/communities/basin/surveys/").content.decode()
    ConnectionSurvey.objects.filter(pk=survey.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "waiting for your answer" not in client.get("/communities/basin/surveys/").content.decode()
