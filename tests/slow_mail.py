"""A mail backend for worker tests: files each message like Django's file backend, but takes
50 ms a message, as a real SMTP server might. A fault can then strike in the middle of a batch
on a fast machine too (a batch of 150 takes 7.5 s instead of a few milliseconds)."""

import time

from django.core.mail.backends.filebased import EmailBackend

SECONDS_A_MESSAGE = 0.05


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(SECONDS_A_MESSAGE * len(email_messages))
        return super().send_messages(email_messages)
