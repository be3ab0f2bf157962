"""SCORM pages: the import page for authors, the player (learners) and its preview (authors), the commit endpoint
the runtime posts to, and the package files themselves (reached with a signed token; see enablement.scorm.delivery).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from enablement.conf import setting
from enablement.forms.scorm import ScormImportForm
from enablement.models import ScormSco
from enablement.scorm import delivery, tokens
from enablement.scorm.archive import clean_entry_name, storage_prefix
from enablement.selectors import scorm as selectors
from enablement.services import scorm_runtime
from enablement.services.scorm_import import scorm_package_import
from prm.errors import DomainError, PermissionDenied, ValidationFailed
from prm.views import TenantView, add_domain_error

STATUS_LABELS = {
    "not attempted": pgettext_lazy("SCORM item status", "Not started"),
    "incomplete": pgettext_lazy("SCORM item status", "In progress"),
    "browsed": pgettext_lazy("SCORM item status", "Browsed"),
    "completed": pgettext_lazy("SCORM item status", "Completed"),
    "passed": pgettext_lazy("SCORM item status", "Passed"),
    "failed": pgettext_lazy("SCORM item status", "Not passed"),
}
# An HTML page of a package is read whole to put the bridge in it; anything larger is served as it is.
MAX_INJECTED_BYTES = 20 * 1024 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, STATUS_LABELS["incomplete"]))


# Authoring --------------------------------------------------------------------------------------------------------


class ScormImportView(TenantView):
    """Upload a package and add it as the last lesson of a module of a draft course version."""

    permission = "courses.manage"

    def get(self, request):
        module = request.GET.get("module", "")
        initial = {"module": module} if module.isdigit() else {}
        return self.render_page(ScormImportForm(modules=selectors.draft_modules(), initial=initial))

    def post(self, request):
        form = ScormImportForm(request.POST, request.FILES, modules=selectors.draft_modules())
        if form.is_valid():
            try:
                result = scorm_package_import(
                    actor=request.membership,
                    upload=form.cleaned_data["package"],
                    module=form.cleaned_data["module"],
                    lesson_title=form.cleaned_data["title"],
                )
            except DomainError as error:
                if error.field == "lesson_title":
                    error.field = "title"
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is imported with %(count)s item(s) and added to %(module)s.")
                    % {
                        "title": result.package.title,
                        "count": result.package.scos.count(),
                        "module": form.cleaned_data["module"].title,
                    },
                )
                return redirect("scorm_preview", request.tenant.slug, result.package.pk)
        return self.render_page(form, status=400)

    def render_page(self, form, status=200):
        context = {"form": form, "packages": selectors.package_list()[:20]}
        return render(self.request, "enablement/scorm/import.html", context, status=status)


# The player -------------------------------------------------------------------------------------------------------


def _choose(scos: list[ScormSco], control: dict, outcomes: dict, requested: str | None) -> ScormSco:
    """The item to launch: the one asked for when the package lets the learner choose (else only the next or
    previous one in the flow), otherwise the first one not completed yet."""
    visible = [s for s in scos if s.sequencing.get("visible", True)] or scos
    default = next((s for s in visible if not outcomes.get(s.pk, scorm_runtime.cmis.NOT_ATTEMPTED).completed), None)
    default = default or visible[0]
    if requested and requested.isdigit():
        wanted = next((s for s in scos if s.pk == int(requested)), None)
        if wanted is not None:
            if control.get("choice", True):
                return wanted
            index = visible.index(default)
            neighbours = visible[max(index - 1, 0) : index + 2] if control.get("flow") else [default]
            if wanted in neighbours:
                return wanted
    return default


def _toc_rows(package, scos: list[ScormSco], outcomes: dict, current: ScormSco) -> list[dict]:
    by_identifier = {s.identifier: s for s in scos}
    rows: list[dict] = []

    def walk(items, depth):
        for item in items:
            if not item.get("visible", True):
                continue
            sco = by_identifier.get(item["identifier"]) if item.get("launchable") else None
            outcome = outcomes.get(sco.pk, scorm_runtime.cmis.NOT_ATTEMPTED) if sco else None
            rows.append(
                {
                    "depth": depth,
                    "title": item["title"],
                    "sco": sco,
                    "current": sco is not None and sco.pk == current.pk,
                    "status": outcome.status if outcome else "",
                    "status_label": status_label(outcome.status) if outcome else "",
                }
            )
            walk(item.get("children", []), depth + 1)

    walk(package.manifest.get("toc", []), 0)
    return rows


def _content_url(request, *, token: str, launch_path: str) -> str:
    rest, _hash, fragment = launch_path.partition("#")
    path, _q, query = rest.partition("?")
    url = reverse(
        "scorm_content",
        kwargs={"tenant_slug": request.tenant.slug, "content_token": token, "file_path": unquote(path)},
    )
    url = setting("CONTENT_ORIGIN") + url
    if query:
        url += "?" + query
    if fragment:
        url += "#" + fragment
    return url


def player_context(request, *, package, scos, outcomes, current, launch, enrollment_id, commit_url, item_url):
    """What the player template needs, for a learner (commit_url set) and for an author's preview (None)."""
    control = package.manifest.get("control", {})
    visible = [s for s in scos if s.sequencing.get("visible", True)] or scos
    index = visible.index(current) if current in visible else 0
    hidden_ui = set(current.sequencing.get("hide_lms_ui", []))
    flow = control.get("flow", True)
    previous = visible[index - 1] if index > 0 else None
    following = visible[index + 1] if index + 1 < len(visible) else None
    if not flow or control.get("forward_only") or "previous" in hidden_ui:
        previous = None
    if not flow or "continue" in hidden_ui:
        following = None
    grant = tokens.ContentGrant(
        tenant=request.tenant.pk,
        package=package.pk,
        sco=current.pk,
        enrollment=enrollment_id,
        user=request.user.pk,
        origin=delivery.origin_of(request),
    )
    content_url = _content_url(request, token=tokens.content_token(grant), launch_path=current.launch_path)
    config = {
        "version": package.scorm_version,
        "cmi": launch.cmi,
        "commitUrl": commit_url,
        "contentOrigin": setting("CONTENT_ORIGIN") or "null",
        "asset": current.sequencing.get("scorm_type") == "asset",
        "previousUrl": item_url(previous) if previous else None,
        "nextUrl": item_url(following) if following else None,
        "itemUrls": {s.identifier: item_url(s) for s in scos} if control.get("choice", True) else {},
        "labels": {key: str(label) for key, label in STATUS_LABELS.items()},
        "messages": {
            "saved": _("Your progress is saved."),
            "notSaved": _(
                "Your progress could not be saved. Check your connection; it is sent again on the next step."
            ),
            "finished": _("You left this item. Choose what comes next."),
            "lessonDone": _("This lesson is completed."),
        },
    }
    return {
        "package": package,
        "rows": _toc_rows(package, scos, outcomes, current),
        "current": current,
        "current_status": outcomes.get(current.pk, scorm_runtime.cmis.NOT_ATTEMPTED).status,
        "choice": control.get("choice", True),
        "previous": previous,
        "following": following,
        "content_url": content_url,
        "sandbox": delivery.sandbox(),
        "config": config,
    }


class ScormPlayerView(TenantView):
    """A learner's SCORM lesson: its table of contents with each item's status, and the item in a sandboxed frame
    with the runtime (scorm-again) committing to the server."""

    permission = "learning.take"

    def get(self, request, enrollment_id, lesson_id):
        found = selectors.learner_lesson(
            membership=request.membership, enrollment_id=enrollment_id, lesson_id=lesson_id
        )
        if found is None:
            raise Http404(_("Page not found."))
        enrollment, lesson = found
        package = lesson.scorm_package
        scos = selectors.scos_of(package)
        attempts = selectors.attempts_of(enrollment=enrollment, lesson=lesson)
        outcomes = {
            s.pk: scorm_runtime.outcome_of(attempts.get(s.pk), sco=s, version=package.scorm_version) for s in scos
        }
        current = _choose(scos, package.manifest.get("control", {}), outcomes, request.GET.get("sco"))
        try:
            launch = scorm_runtime.scorm_launch(
                actor=request.membership, enrollment=enrollment, lesson=lesson, sco=current
            )
        except PermissionDenied as error:
            raise Http404(_("Page not found.")) from error
        grant = tokens.CommitGrant(
            tenant=request.tenant.pk, enrollment=enrollment.pk, lesson=lesson.pk, sco=current.pk, user=request.user.pk
        )
        commit_url = reverse("scorm_commit", args=[request.tenant.slug, tokens.commit_token(grant)])
        base = reverse("scorm_player", args=[request.tenant.slug, enrollment.pk, lesson.pk])
        context = player_context(
            request,
            package=package,
            scos=scos,
            outcomes=outcomes,
            current=current,
            launch=launch,
            enrollment_id=enrollment.pk,
            commit_url=commit_url,
            item_url=lambda sco: f"{base}?sco={sco.pk}",
        )
        context.update(enrollment=enrollment, lesson=lesson, preview=False)
        return render(request, "enablement/scorm/player.html", context)


class ScormPreviewView(TenantView):
    """An author plays a package as a learner would, without recording anything."""

    permission = "courses.manage"

    def get(self, request, package_id):
        package = selectors.package_get(package_id=package_id)
        if package is None:
            raise Http404(_("Page not found."))
        scos = selectors.scos_of(package)
        current = _choose(scos, {"choice": True}, {}, request.GET.get("sco"))
        launch = scorm_runtime.preview_launch(version=package.scorm_version, sco=current, user=request.user)
        base = reverse("scorm_preview", args=[request.tenant.slug, package.pk])
        context = player_context(
            request,
            package=package,
            scos=scos,
            outcomes={},
            current=current,
            launch=launch,
            enrollment_id=0,
            commit_url=None,
            item_url=lambda sco: f"{base}?sco={sco.pk}",
        )
        context.update(preview=True)
        return render(request, "enablement/scorm/player.html", context)


# The runtime's commits --------------------------------------------------------------------------------------------


def _runtime_error(version: str, field: str, detail: str, status: int = 400) -> JsonResponse:
    # scorm-again reads `result` and `errorCode`; the field and detail are for people reading the network log.
    code = 101 if version == "1.2" else 391
    return JsonResponse({"result": False, "errorCode": code, "field": field, "detail": detail}, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class ScormCommitView(TenantView):
    """Where the runtime posts the CMI data: JSON from its commits, and `text/plain` from the `sendBeacon` of the
    last one. The token in the path names the learner's own enrollment, lesson and item and stands in for the CSRF
    token a beacon cannot send; the session must be the learner's. Answers as scorm-again expects."""

    permission = "learning.take"
    http_method_names = ["post"]

    def post(self, request, commit_token):
        grant = tokens.read_commit_token(commit_token)
        if grant is None or grant.tenant != request.tenant.pk or grant.user != request.user.pk:
            raise Http404(_("Page not found."))
        found = selectors.learner_lesson(
            membership=request.membership, enrollment_id=grant.enrollment, lesson_id=grant.lesson
        )
        sco = ScormSco.objects.filter(pk=grant.sco).first() if found else None
        if found is None or sco is None:
            raise Http404(_("Page not found."))
        enrollment, lesson = found
        version = lesson.scorm_package.scorm_version
        try:
            payload = json.loads(request.body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError):
            return _runtime_error(version, "cmi", _("The commit is not JSON."))
        try:
            result = scorm_runtime.scorm_commit(
                actor=request.membership, enrollment=enrollment, lesson=lesson, sco=sco, payload=payload
            )
        except PermissionDenied as error:
            raise Http404(_("Page not found.")) from error
        except ValidationFailed as error:
            return _runtime_error(version, error.field or "cmi", error.message)
        except DomainError as error:
            return _runtime_error(version, error.field or "cmi", error.message, status=409)
        return JsonResponse(
            {
                "result": True,
                "errorCode": 0,
                "item": {
                    "id": sco.pk,
                    "identifier": sco.identifier,
                    "status": result.outcome.status,
                    "label": status_label(result.outcome.status),
                },
                "lesson": {
                    "completed": result.lesson.completed,
                    "passed": result.lesson.passed,
                    "score": str(result.lesson.score) if result.lesson.score is not None else None,
                },
            }
        )


# The package's files ----------------------------------------------------------------------------------------------


class ScormContentView(View):
    """A file of a package, for the bearer of a content token (no session: on CONTENT_ORIGIN there is none).
    HTML pages opened as documents get the runtime bridge; media can be fetched in ranges (seeking in a video)."""

    tenant_public = True
    http_method_names = ["get", "head"]

    def get(self, request, content_token, file_path):
        grant = tokens.read_content_token(content_token)
        if grant is None or grant.tenant != request.tenant.pk:
            raise Http404(_("Page not found."))
        if delivery.separate_origin() and request.get_host() != delivery.content_host():
            raise Http404(_("Page not found."))  # packages are never run on this site's own origin
        try:
            path = clean_entry_name(file_path)
        except ValidationFailed as error:
            raise Http404(_("Page not found.")) from error
        package = selectors.package_for_delivery(package_id=grant.package)
        if not path or path.endswith("/") or package is None:
            raise Http404(_("Page not found."))
        name = f"{storage_prefix(package.tenant_id, package.storage_key)}/{path}"
        try:
            size = default_storage.size(name)
            handle = default_storage.open(name, "rb")
        except OSError as error:
            raise Http404(_("Page not found.")) from error
        content_type = delivery.content_type_of(path)
        if delivery.wants_bridge(request, content_type) and size <= MAX_INJECTED_BYTES:
            with handle:
                body = delivery.inject(handle.read(), self.bridge(grant, package))
            response = HttpResponse(body, content_type=content_type)
            response["Cache-Control"] = "no-store"
        else:
            response = ranged(request, handle, size, content_type)
            response["Cache-Control"] = "private, max-age=600"
        response["Content-Security-Policy"] = delivery.content_security_policy(player_origin=grant.origin)
        response["X-Content-Type-Options"] = "nosniff"
        # The token is in the path: never tell another site where this page came from.
        response["Referrer-Policy"] = "no-referrer"
        response.xframe_options_exempt = True
        return response

    def bridge(self, grant: tokens.ContentGrant, package) -> bytes:
        sco = ScormSco.objects.filter(pk=grant.sco, package_id=package.pk).first()
        user = get_user_model().objects.filter(pk=grant.user).first()
        if sco is None or user is None:
            return b""
        if grant.enrollment:
            launch = scorm_runtime.launch_for_delivery(
                enrollment_id=grant.enrollment, sco=sco, version=package.scorm_version, user=user
            )
        else:
            launch = scorm_runtime.preview_launch(version=package.scorm_version, sco=sco, user=user)
        return delivery.bridge_tags(version=package.scorm_version, player_origin=grant.origin, seed=launch.seed)


def ranged(request, handle, size: int, content_type: str):
    """The file, or the one byte range asked for (206), so media can seek."""
    match = RANGE.match(request.headers.get("Range", "").strip())
    if match is None or size == 0 or (not match.group(1) and not match.group(2)):
        response = FileResponse(handle, content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:
        start, end = max(size - int(last), 0), size - 1
    if start > end or start >= size:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle.seek(start)

    def chunks(remaining=end - start + 1):
        with handle:
            while remaining > 0:
                data = handle.read(min(remaining, 64 * 1024))
                if not data:
                    return
                remaining -= len(data)
                yield data

    response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return response
