"""A newsletter's subject becomes a mail header: a line break stored in it never breaks the sending."""

from django.core import mail

from catchment.accounts.tests.factories import UserFactory
from catchment.newsletters import services
from catchment.newsletters.models import Edition, Newsletter


def test_a_subject_with_line_breaks_is_sent_on_one_line(db):
    editor = UserFactory()
    newsletter = Newsletter.objects.create(community=None, author=editor)
    Edition.objects.create(
        newsletter=newsletter, language="en", subject="Spring news\r\nBcc: x@example.org", body="Hello"
    )
    mail.outbox.clear()
    services.send_test(newsletter.pk, editor.pk, "en")
    (message,) = mail.outbox
    assert message.subject == "[Test] Spring news Bcc: x@example.org"
    assert message.bcc == []
