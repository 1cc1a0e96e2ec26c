"""Malformed input on every page form never gives a 5xx (reliability.md #19, the Hypothesis half).

Every page route that takes a POST (the mass-assignment sweep's FORMS, which a new form must join) is sent by
the person who may use it, with its valid body altered by Hypothesis: any of its values replaced by NUL bytes,
lone surrogates (sent as raw, invalid UTF-8), a 1 MB string, huge and negative numbers, impossible dates,
right-to-left and byte-order marks, path tricks, JSON where text is expected, or several values under one key
(duplicate keys, as `QueryDict` sees them); keys dropped; and undeclared keys added. The answer must be a page
(2xx, a redirect, or a 4xx with the form's errors), never a 5xx and never a traceback. Each submission is rolled
back, so every form starts from the same community. Besides what Hypothesis draws (FORM_FUZZ_EXAMPLES, default
4, per form), each form gets every hostile kind in every field at once, duplicate keys everywhere, and an empty
body.
"""

from __future__ import annotations

import os
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_form_mass_assignment import (  # noqa: F401 - `place` is the fixture the tests take
    FORMS,
    _body,
    _client,
    form_url,
    page_routes,
    place,
    rolled_back,
)

EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "4"))
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/')

NASTY = [
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate: sent as the bytes ED A0 80, which are not UTF-8
    "x\udfffy",
    "x" * 1_000_000,
    "9" * 400,
    "-1",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "0",
    "0000-00-00",
    "2024-02-30",
    "9999-12-31T25:61:61",
    "-0001-01-01",
    "1970-01-01T00:00:00+99:99",
    "\u202eevil\u202c",
    "\ufeff",
    "../../../etc/passwd",
    '{"role": "convenor"}',
    "[]",
    "on",
    "",
    " ",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
# One value, or several under the same key.
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))


def encode(body: dict[str, object]) -> bytes:
    """application/x-www-form-urlencoded, keeping lone surrogates as the invalid bytes a hostile client sends."""
    return urlencode(body, doseq=True, errors="surrogatepass").encode("ascii")


def mutations(body: dict[str, object]):
    """The valid body with some values replaced, some keys dropped and some keys added."""
    keys = sorted(body)
    return st.tuples(
        st.dictionaries(st.sampled_from(keys), hostile_value, max_size=len(keys)) if keys else st.just({}),
        st.sets(st.sampled_from(keys), max_size=2) if keys else st.just(set()),
        st.dictionaries(
            st.sampled_from(["extra", "id", "pk", "\ud800", "a" * 300]), hostile_value, max_size=2
        ),
    )


def fixed_cases(body: dict[str, object]) -> list[dict[str, object]]:
    """What every form receives whatever Hypothesis draws: each hostile kind in every field at once."""
    keys = sorted(body)
    cases: list[dict[str, object]] = [
        dict.fromkeys(keys, value)
        for value in (
            "a\x00b",
            "x\ud800y",
            "9" * 400,
            "-9223372036854775809",
            "2024-02-30T25:61:61",
            "\u202e\ufeff",
        )
    ]
    cases.append({key: "x" * 1_000_000 if index < 2 else body[key] for index, key in enumerate(keys)})
    cases.append({key: [body[key], "-1", "\x00"] for key in keys})  # duplicate keys
    cases.append({})  # nothing at all
    return cases


def _send(name, url_of, client, fuzzed, problems, sent):
    cache.clear()  # rate limits: each submission is judged on its input alone
    with rolled_back():
        response = client.post(url_of(), encode(fuzzed), content_type="application/x-www-form-urlencoded")
    sent.append(f"{name} {response.status_code}")
    text = response.content.decode("utf-8", "replace") if not response.streaming else ""
    if response.status_code >= 500 or any(marker in text for marker in TRACEBACK_MARKERS):
        shown = {
            key: (str(value)[:40] + "…" if len(str(value)) > 40 else value) for key, value in fuzzed.items()
        }
        problems.append(f"{name}: {response.status_code} for {shown}")


def _fuzz_form(name, url_of, client, body, problems, sent):
    for fixed in fixed_cases(body):
        _send(name, url_of, client, fixed, problems, sent)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(mutations(body))
    def check(change):
        replaced, dropped, added = change
        fuzzed = {key: value for key, value in {**body, **replaced}.items() if key not in dropped}
        fuzzed.update(added)
        _send(name, url_of, client, fuzzed, problems, sent)

    check()


CHUNKS = 4


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_page_form_answers_malformed_input_without_a_server_error(place, chunk):  # noqa: F811
    world, _other, _victim = place
    entries = dict(page_routes())
    names = sorted(FORMS)[chunk::CHUNKS]
    problems = []
    sent = []
    for name in names:
        role = FORMS[name][0]

        def url_of(name=name):
            return form_url(
                name, entries[name], world
            )  # inside the rolled-back block: a mailed link may write

        _fuzz_form(name, url_of, _client(world, role), _body(name, world, role), problems, sent)
    answers = Counter(entry.rsplit(" ", 1)[1] for entry in sent)
    print(
        f"page forms fuzzed: {len(names)} forms, {len(sent)} submissions, {len(problems)} server errors; "
        f"answers {dict(sorted(answers.items()))}"
    )
    assert problems == [], "\n".join(problems[:30])
    assert {entry.rsplit(" ", 1)[0] for entry in sent} == set(names)
    assert len(sent) >= len(names) * (len(fixed_cases({})) + 1)
