"""The administration in Vietnamese (issue 13): every list, add and change page of every model an
administrator may open, on the demo with all its records, shows no English — our own models' fields
("Opened by", "Subject"), their names ("Inspections"), Django's own admin strings ("Show counts")
and the third-party apps (sign-in attempts, API tokens, authenticator apps) — and no step's code
("submit", "party_opinion") where its label belongs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.contrib import admin
from django.test import Client

from portal.models import User

# Visible text that is all ASCII letters: English, or a code, unless it is one of these.
ALLOWED = {"Xem trang web", "qrcode"}  # Vietnamese without diacritics; django-otp's link text to the QR image
ENGLISH = re.compile(r"[A-Za-z][A-Za-z ()]*[a-z][A-Za-z ()]*:?")


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style", "option"):
            self.hidden += 1

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style", "option"):
            self.hidden -= 1

    def handle_data(self, data) -> None:
        text = data.strip()
        if not self.hidden and ENGLISH.fullmatch(text):
            self.found.add(text)


def test_no_english_is_left_in_the_vietnamese_administration(demo_full):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(demo_full["admin"])
    people = set(User.objects.values_list("username", flat=True))
    devices = {device.name for model in admin.site._registry if model._meta.app_label.startswith("otp_")
               for device in model.objects.all()}  # fmt: skip
    english: dict[str, str] = {}
    opened = 0
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages = [base, base + "add/"]
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(f"{base}{first.pk}/change/")
        for url in pages:
            answer = client.get(url)
            if answer.status_code != 200:
                continue
            opened += 1
            parser = VisibleText()
            parser.feed(answer.content.decode())
            for text in parser.found - ALLOWED - people - devices:
                english.setdefault(text, url)
    assert opened > 60
    assert english == {}
