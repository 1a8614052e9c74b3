"""Logins cannot be guessed forever: after 5 wrong passwords the username is locked (a Chinese message), even
the right password is refused until the lock expires, on the platform login and the admin login alike."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from bqw.accounts import throttle

PASSWORD = "Correct-horse-2026"


@pytest.fixture
def victim(persona):
    cache.clear()
    user = persona("xh_reporter")
    user.set_password(PASSWORD)
    user.save()
    yield user
    cache.clear()


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
