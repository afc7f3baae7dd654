"""Notices are not lost when the mail server refuses: a worker sends them, retrying with backoff.

A real worker on the real broker, and a real SMTP server (aiosmtpd) on 127.0.0.1 that answers
"451 try again later" to the first two deliveries and accepts the third.
"""

import email
import email.policy
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.db import connection

from accounts import services
from komae_sns.celery import app

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class RefusesTwice:
    def __init__(self):
        self.attempts = 0
        self.delivered = []

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= 2:
            return "451 4.3.0 Try again later"
        self.delivered.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    handler = RefusesTwice()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def test_a_notice_refused_by_the_mail_server_is_sent_when_it_accepts(smtp, staff_a, head_a, account_a):
    head_a.email = "head_a@city.komae.lg.jp"
    head_a.save()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # A clerk's change of a public name: the 課長 is asked by mail (SPEC §8).
        services.account_update(account_id=account_a.pk, actor=staff_a, fields={"display_name": "新しい名前"})
        deadline = time.monotonic() + 30
        while not smtp.delivered and time.monotonic() < deadline:
            time.sleep(0.2)
    connection.close()
    assert smtp.attempts == 3
    (envelope,) = smtp.delivered
    assert envelope.rcpt_tos == ["head_a@city.komae.lg.jp"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"].strip() == f"[公式SNS] 公開情報の変更の承認依頼：{account_a.display_name}"
    assert "表示名" in message.get_content()
