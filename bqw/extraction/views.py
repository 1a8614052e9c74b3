"""Review pages: upload or paste a document, see its items highlighted, edit / reject / accept them (htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from bqw.core.middleware import inline_errors

from . import accept, services
from .access import get_document_for_user, get_item_for_user
from .forms import DocumentForm, DraftItemForm
from .models import DraftItem
from .selectors import document_items, documents_visible_to, highlight_segments


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        f = d.get("file")
        kwargs = {"title": d["title"], "year": d["year"], "subject": d["subject"] or None}
        with inline_errors() as failed:
            if f is not None and f.name.lower().endswith(".docx"):
                doc = services.document_create(actor=request.user, docx_bytes=f.read(), filename=f.name, **kwargs)
            elif f is not None:
                doc = services.document_create(actor=request.user, text=services.read_text(f.read()),
                                               filename=f.name, **kwargs)
            else:
                doc = services.document_create(actor=request.user, text=d["text"], **kwargs)
            return redirect("extraction-review", pk=doc.pk)
        error = failed.message
    docs = documents_visible_to(user=request.user)[:100]
    return render(request, "extraction/index.html", {"form": form, "docs": docs, "error": error})


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_document_for_user(request.user, pk)
    items = document_items(doc)
    can_write = request.user.is_superuser or (doc.region is not None and request.user.can_capture(doc.region)) \
        or (doc.region is None and doc.uploaded_by_id == request.user.pk and request.user.is_rw)
    counts = {s: sum(1 for it in items if it.state == s) for s in DraftItem.State.values}
    return render(request, "extraction/review.html", {
        "doc": doc, "items": items, "segments": highlight_segments(doc.text, items), "can_write": can_write,
        "counts": counts, "states": DraftItem.State.choices,
    })


def _row(request: HttpRequest, item: DraftItem, *, error: str | None = None, status: int = 200) -> HttpResponse:
    return render(request, "extraction/partials/item_row.html",
                  {"item": item, "can_write": True, "error": error}, status=status)


@login_required
def item_row(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    return _row(request, item)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, write=True)
    form = DraftItemForm(request.POST or None, instance=DraftItem.objects.get(pk=item.pk))
    error = None
    if request.method == "POST":
        if form.is_valid():
            fields = {k: form.cleaned_data[k] for k in form.changed_data}
            with inline_errors() as failed:
                item = services.draft_item_update(actor=request.user, item=item, **fields)
                return _row(request, item)
            error = failed.message
        else:
            error = "；".join(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}"
                             for k, v in form.errors.items())
    return render(request, "extraction/partials/item_edit.html", {"item": item, "form": form, "error": error})


def _row_action(request: HttpRequest, pk: int, service) -> HttpResponse:
    """Run a one-click service on an item and re-render its row, with a business error shown in the row."""
    item = get_item_for_user(request.user, pk, write=True)
    with inline_errors() as failed:
        return _row(request, service(actor=request.user, item=item))
    return _row(request, item, error=failed.message)


@login_required
@require_POST
def item_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _row_action(request, pk, services.draft_item_reject)


@login_required
@require_POST
def item_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _row_action(request, pk, services.draft_item_reopen)


@login_required
@require_http_methods(["GET", "POST"])
def item_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the accept form (indicator match, scope, or plan action); POST: accept."""
    item = get_item_for_user(request.user, pk, write=True)
    error = None
    if request.method == "POST":
        # the draft itself is writable (checked above): a plan or unit picked outside the scope is shown in the row
        with inline_errors(scope_too=True) as failed:
            options = accept.parse_accept_form(user=request.user, item=item, data=request.POST)
            return _row(request, services.draft_item_accept(actor=request.user, item=item, **options))
        error = failed.message
    ctx = {"item": item, "options": accept.accept_options(user=request.user, item=item), "error": error}
    return render(request, "extraction/partials/item_accept.html", ctx)
