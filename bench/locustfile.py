"""The club under load: a realistic mix of people, for Locust (driven by bench/load.py).

- Visitors (most of the traffic) read the public site: home, blog list, posts, the feed.
- Members, signed in, use the directory, people's pages, workshops and cases.
- A registration burst: `Registrant`s, all spawned at the start of a run, each press
  "Register" on the same 20-seat workshop once, then browse workshops.
- Challengers submit a prediction file to an open challenge now and then and look at
  the leaderboard.

The data (session cookies of demo members, post slugs, ids) comes from the JSON file named
by LOAD_FIXTURE, written by bench/load.py after it loads the demo club.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets

from locust import HttpUser, between, task

with open(os.environ["LOAD_FIXTURE"]) as _handle:
    FIXTURE = json.load(_handle)

_cookies = itertools.cycle(FIXTURE["member_sessions"])
_challenger_cookies = itertools.cycle(FIXTURE["challenger_sessions"])


class Visitor(HttpUser):
    weight = 6
    wait_time = between(1, 3)

    @task(2)
    def home(self):
        self.client.get("/", name="/ (home)")

    @task(4)
    def blog(self):
        self.client.get("/blog/", name="/blog/")

    @task(6)
    def post(self):
        self.client.get(f"/blog/{random.choice(FIXTURE['post_slugs'])}/", name="/blog/[post]/")

    @task(1)
    def feed(self):
        self.client.get("/blog/rss.xml", name="/blog/rss.xml")


class _SignedIn(HttpUser):
    abstract = True
    cookies = _cookies

    def on_start(self):
        self.csrf = secrets.token_hex(16)  # an unmasked CSRF secret, sent as cookie and header
        self.client.cookies.set("sessionid", next(self.cookies))
        self.client.cookies.set("csrftoken", self.csrf)

    def post(self, path: str, *, name: str, **kwargs):
        headers = {"X-CSRFToken": self.csrf, "Referer": self.host + path}
        return self.client.post(path, name=name, headers=headers, allow_redirects=False, **kwargs)


class Member(_SignedIn):
    weight = 3
    wait_time = between(1, 4)

    @task(4)
    def directory(self):
        self.client.get("/directory/", name="/directory/")

    @task(2)
    def directory_page(self):
        self.client.get(f"/directory/?page={random.randint(2, 5)}", name="/directory/?page=")

    @task(2)
    def person(self):
        self.client.get(f"/people/{random.choice(FIXTURE['person_ids'])}/", name="/people/[id]/")

    @task(3)
    def workshops(self):
        self.client.get("/workshops/", name="/workshops/")

    @task(2)
    def workshop(self):
        pk = random.choice(FIXTURE["workshop_ids"])
        self.client.get(f"/workshops/{pk}/", name="/workshops/[id]/")

    @task(3)
    def cases(self):
        self.client.get("/cases/", name="/cases/")


class Registrant(_SignedIn):
    """Everyone at once on the same workshop: spawned first, registers once."""

    fixed_count = int(os.environ.get("LOAD_REGISTRANTS", "20"))
    wait_time = between(2, 5)

    def on_start(self):
        super().on_start()
        pk = FIXTURE["burst_workshop"]
        with self.post(
            f"/workshops/{pk}/register/",
            name="/workshops/[id]/register/ (burst)",
            data={"seat": "onsite", "accept_terms": "on"},
            catch_response=True,
        ) as response:
            if response.status_code >= 400:
                response.failure(f"register answered {response.status_code}")
            else:
                response.success()

    @task
    def workshop(self):
        self.client.get(f"/workshops/{FIXTURE['burst_workshop']}/", name="/workshops/[id]/")


class Challenger(_SignedIn):
    weight = 1
    wait_time = between(5, 15)
    cookies = _challenger_cookies

    @task(1)
    def submit(self):
        slug = FIXTURE["challenge_slug"]
        with self.post(
            f"/challenges/{slug}/submit/",
            name="/challenges/[slug]/submit/",
            data={"description": "load test"},
            files={"file": ("predictions.csv", FIXTURE["submission_csv"], "text/csv")},
            catch_response=True,
        ) as response:
            if response.status_code in (302, 303):
                response.success()
            else:
                response.failure(f"submit answered {response.status_code}")

    @task(2)
    def leaderboard(self):
        self.client.get(
            f"/challenges/{FIXTURE['challenge_slug']}/leaderboard/",
            name="/challenges/[slug]/leaderboard/",
        )


class HealthzOnly(HttpUser):
    """The floor: the same number of users asking only /healthz (named on the command line)."""

    wait_time = between(1, 3)

    @task
    def healthz(self):
        self.client.get("/healthz", name="/healthz")
