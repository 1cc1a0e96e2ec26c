"""The read-replica router: only the reads of safe requests go to the replica, and a browser that has just
written reads from the primary for a while."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from catchment.communities.models import Community
from catchment.core.replicas import PIN_COOKIE, ReplicaMiddleware, ReplicaRouter

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
router = ReplicaRouter()


@pytest.fixture
def with_replica(settings):
    # only the middleware's check reads this; no connection to the replica is ever opened here
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    settings.REPLICA_PIN_SECONDS = 15


def read_during(request):
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(Community)
        seen["write"] = router.db_for_write(Community)
        return HttpResponse("ok")

    response = ReplicaMiddleware(view)(request)
    return seen, response


def test_outside_requests_everything_reads_from_the_primary():
    assert router.db_for_read(Community) == "default" and router.db_for_write(Community) == "default"
    assert router.allow_migrate("default", "communities") and not router.allow_migrate(
        "replica", "communities"
    )


def test_a_safe_request_reads_from_the_replica_and_writes_to_the_primary(with_replica):
    seen, response = read_during(RequestFactory().get("/communities/"))
    assert seen == {"read": "replica", "write": "default"}
    assert PIN_COOKIE not in response.cookies
    assert router.db_for_read(Community) == "default"  # and only during the request


def test_after_a_write_the_browser_reads_from_the_primary(with_replica):
    seen, response = read_during(RequestFactory().post("/communities/wash/join/"))
    assert seen["read"] == "default"
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == 15 and pin["httponly"]
    request = RequestFactory().get("/communities/wash/")
    request.COOKIES[PIN_COOKIE] = "1"
    assert read_during(request)[0]["read"] == "default"


def test_without_a_replica_the_middleware_does_nothing():
    seen, response = read_during(RequestFactory().post("/communities/wash/join/"))
    assert seen["read"] == "default" and PIN_COOKIE not in response.cookies
