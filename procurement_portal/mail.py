"""Sending a mail about something a visitor just submitted: one rule for every form.

What the mail is about (a proposal, a message, an alert) is saved before the mail is
sent, so a failing mail server is logged, never raised: the visitor still gets their
confirmation page and the editors find the item in the admin.
"""

import logging

logger = logging.getLogger(__name__)


def send_or_log(message, what):
    """Send `message` (an EmailMessage); True when the mail server took it.

    `what` names the mail in the log, e.g. "the acknowledgement of contribution 12".
    Only the error's class is logged: SMTP errors quote the recipients' addresses,
    personal data that must stay out of the logs.
    """
    try:
        message.send(fail_silently=False)
    except Exception as error:
        logger.error("Could not send %s: %s; it is saved.", what, type(error).__name__)
        return False
    return True
