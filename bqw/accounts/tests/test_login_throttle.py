"""Logins cannot be guessed forever: after 5 wrong passwords the username is locked (a Chinese message), even
the right password is refused until the lock expires, on the platform login and the admin login alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bqw.accounts import throttle
from bqw.accounts.models import LoginFailure

PASSWORD = "Correct-horse-2026"


@pytest.fixture
def victim(persona):
    user = persona("xh_reporter")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, username, password, url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def test_fifteen_wrong_passwords_then_the_right_one_does_not_log_in(client, victim):
    for _ in range(15):
        r = _login(client, victim.username, "wrong-password")
        assert r.status_code == 200
    assert "登录失败次数过多" in r.content.decode()
    r = _login(client, victim.username, PASSWORD)
    assert r.status_code == 200 and "账户已暂时锁定" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert not client.login(username=victim.username, password=PASSWORD)  # every login path, not only the page
    assert _login(client, victim.username, PASSWORD, url="/admin/login/").status_code == 200


def test_a_few_mistakes_then_the_right_password_logs_in_and_resets_the_count(client, victim):
    for _ in range(throttle.MAX_FAILURES - 1):
        _login(client, victim.username, "wrong-password")
    r = _login(client, victim.username, PASSWORD)
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(victim.pk)
    assert not throttle.is_locked(victim.username)


def test_the_lock_is_per_username_and_case_insensitive(client, victim, persona):
    for _ in range(throttle.MAX_FAILURES):
        _login(client, victim.username.upper(), "wrong-password")
    assert throttle.is_locked(victim.username)
    assert not throttle.is_locked("hs_reporter")


def test_login_next_to_another_site_is_not_followed(client, victim):
    r = client.post("/accounts/login/?next=https://evil.example/", {"username": victim.username,
                                                                    "password": PASSWORD,
                                                                    "next": "https://evil.example/"})
    assert r.status_code == 302 and "evil.example" not in r["Location"]


def test_failures_live_in_the_database_so_every_worker_counts_them(client, victim):
    """Another server process shares nothing with this one but the database: failures it recorded (rows, no
    process memory) lock the username here, and ours add to its count."""
    for _ in range(throttle.MAX_FAILURES - 1):
        _login(client, victim.username, "wrong-password")
    row = LoginFailure.objects.get(key=throttle._key("user", victim.username))
    assert row.failures == throttle.MAX_FAILURES - 1 and victim.username not in row.key  # hashed
    LoginFailure.objects.filter(pk=row.pk).update(failures=row.failures + 1)  # the other worker's failure
    assert throttle.is_locked(victim.username)
    r = _login(client, victim.username, PASSWORD)
    assert r.status_code == 200 and "账户已暂时锁定" in r.content.decode()


def test_an_expired_count_starts_again(client, victim):
    key = throttle._key("user", victim.username)
    long_ago = timezone.now() - timedelta(seconds=throttle.LOCKOUT_SECONDS + 60)
    LoginFailure.objects.create(key=key, failures=throttle.MAX_FAILURES, last_at=long_ago)
    assert not throttle.is_locked(victim.username)
    _login(client, victim.username, "wrong-password")
    assert LoginFailure.objects.get(key=key).failures == 1
    r = _login(client, victim.username, PASSWORD)
    assert r.status_code == 302 and not LoginFailure.objects.filter(key=key).exists()
