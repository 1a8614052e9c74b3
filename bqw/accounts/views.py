from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bqw.core.errors import ApplicationError

from .audit_text import audit_changes, audit_sentence
from .scope import require_admin
from .selectors import audit_entries_visible_to
from .throttle import is_locked, lockout_message, record_failure


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    g = request.GET
    f = {k: (g.get(k) or "").strip() for k in ("action", "person", "obj", "since", "until")}
    dates = {}
    for k in ("since", "until"):
        try:
            dates[k] = date.fromisoformat(f[k]) if f[k] else None
        except ValueError:
            raise ApplicationError(f"日期“{f[k]}”应写成 2026-11-30 这样的格式")
    entries = audit_entries_visible_to(user=request.user, action=f["action"] or None, person=f["person"] or None,
                                       obj=f["obj"] or None, **dates)
    page = Paginator(entries, 50).get_page(g.get("page"))
    rows = [{"entry": e, "sentence": audit_sentence(e), "changes": audit_changes(e)} for e in page]
    query = urlencode({k: v for k, v in f.items() if v})
    return render(request, "accounts/audit.html", {"page": page, "rows": rows, "filters": f, "query": query})


class ThrottledLoginForm(AuthenticationForm):
    """The login form with the lockout named in Chinese (the lock itself is in throttle.LockoutBackend)."""

    locked = False

    def clean(self):
        username = self.cleaned_data.get("username")
        if is_locked(username, self.request):
            self.locked = True
            record_failure(None, self.request)  # guessing on a locked account still counts for the address
            raise ValidationError(lockout_message(), code="locked")
        return super().clean()


class LoginView(auth_views.LoginView):
    """Login with throttling; `next` is checked by Django's LoginView (url_has_allowed_host_and_scheme)."""

    template_name = "accounts/login.html"
    form_class = ThrottledLoginForm
