import pytest
from django.core.mail import EmailMultiAlternatives, send_mail


def test_mail_goes_through_a_real_smtp_server(smtp_server):
    msg = EmailMultiAlternatives("Sujet é", "Texte brut", "portail@example.org", ["a@example.org"])
    msg.attach_alternative("<p>HTML</p>", "text/html")
    msg.send()
    (received,) = smtp_server.wait_for(1)
    assert received["to"] == ["a@example.org"]
    assert received["message"]["Subject"] == "Sujet é"
    assert "Texte brut" in smtp_server.body(0)
    assert "<p>HTML</p>" in smtp_server.body(0, "html")


def test_a_stopped_server_refuses(smtp_server):
    smtp_server.stop()
    with pytest.raises(OSError):
        send_mail("x", "y", "p@example.org", ["a@example.org"])
