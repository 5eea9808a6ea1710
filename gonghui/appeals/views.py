"""Console pages of the 12351 appeals: parse → access → one service → render."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts.scoping import actor_can, scope_paths
from gonghui.accounts.services import pii_reveal
from gonghui.appeals import rules, selectors, services
from gonghui.appeals.choices import Channel, EventKind, Flag, Satisfaction, State
from gonghui.appeals.forms import IntakeForm, WalkInForm
from gonghui.appeals.models import Appeal, Subject
from gonghui.appeals.services.employers import EXISTS_CODE
from gonghui.core.errors import Conflict
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Employer, Organisation


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _org_param(request: HttpRequest, capability: str = "appeal.view") -> Organisation | None:
    code = request.GET.get("org", "").strip()
    if not code:
        return None
    return Organisation.objects.get_for_actor(request.user, capability, code=code)


# --- lists -----------------------------------------------------------------------------------


@require_capability("appeal.view")
def appeal_list(request: HttpRequest) -> HttpResponse:
    """All appeals of the actor's subtree; the KPI figures link here with their filters."""
    get = request.GET
    qs = selectors.appeal_list(
        actor=request.user,
        q=get.get("q", "").strip(),
        state=get.get("state", ""),
        subject=get.get("subject", ""),
        flag=get.get("flag", ""),
        org=_org_param(request),
        received_from=_date(get.get("from")),
        received_to=_date(get.get("to")),
        overdue=get.get("overdue") == "1",
        supervised=get.get("supervised") == "1",
        on_time=get.get("on_time", ""),
        satisfaction=get.get("satisfaction", ""),
    )
    page = Paginator(qs, 50).get_page(get.get("page"))
    return render(
        request,
        "appeals/list.html",
        {
            "page_obj": page,
            "params": get,
            "states": State.choices,
            "subjects": Subject.objects.filter(active=True),
            "flags": Flag.choices,
        },
    )


@require_capability("appeal.handle")
def appeal_queue(request: HttpRequest) -> HttpResponse:
    """My queue: open appeals ordered by deadline, yellow and red flags first to the eye; on
    top, the extension requests this level has to decide (dispatching level)."""
    qs = selectors.appeal_queue(actor=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "appeals/queue.html",
        {
            "page_obj": page,
            "today": timezone.localdate(),
            "alerts": selectors.unread_alerts(actor=request.user)[:10],
            "extensions": selectors.extension_requests_to_decide(actor=request.user)[:20],
        },
    )


@require_capability("appeal.dispatch")
def extension_requests(request: HttpRequest) -> HttpResponse:
    """The dispatching level's list of extension requests awaiting its decision."""
    qs = selectors.extension_requests_to_decide(actor=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "appeals/extensions.html",
        {"page_obj": page, "today": timezone.localdate()},
    )


# --- intake ----------------------------------------------------------------------------------


def _employer_for(name: str, actor: Any) -> Employer | None:
    """An employer typed by name or credit code that the operator can see, if it is registered."""
    name = name.strip()
    if not name:
        return None
    return (
        Employer.objects.visible_to(actor, "employer.view")
        .filter(Q(name=name) | Q(credit_code=name.upper()))
        .order_by("pk")
        .first()
    )


def _intake_employer(
    request: HttpRequest, form: Any, data: dict[str, Any]
) -> dict[str, Any] | None:
    """Put the appeal's employer into ``data``: the one picked from the register (or offered
    after a duplicate), else a typed name that matches a registered one exactly; returns the new
    employer to register when the operator ticked "register as a new employer"."""
    picked, new_employer = form.employer_choice()
    offered = request.POST.get("use_employer", "")
    if offered.isdigit():
        picked, new_employer = int(offered), None
    for name in ("employer", "new_employer", "employer_credit_code", "employer_division"):
        data.pop(name, None)
    if picked is not None:
        employer = (
            Employer.objects.visible_to(request.user, "employer.view").filter(pk=picked).first()
        )
        data["employer"] = employer
        if employer is not None:
            data["employer_name"] = employer.name
        return None
    if new_employer is None:
        data["employer"] = _employer_for(data.get("employer_name", ""), request.user)
    return new_employer


def _employer_offers(request: HttpRequest, form: Any, error: ValidationError) -> list[Employer]:
    """After a "same name in the same division" refusal: the registered employers to offer
    (read before the errors go onto the form, which drops the fields from cleaned_data)."""
    errors = getattr(error, "error_dict", {}).get("employer_name", [])
    if not any(item.code == EXISTS_CODE for item in errors):
        return []
    data = form.cleaned_data
    return selectors.employers_named(
        actor=request.user,
        name=data.get("employer_name", ""),
        division=data.get("employer_division") or data.get("division"),
    )


@require_capability("appeal.intake")
def intake(request: HttpRequest) -> HttpResponse:
    """The hotline operator's page: keyboard-first; the number shows earlier appeals."""
    form = IntakeForm(request.POST or None)
    offers: list[Employer] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        new_employer = _intake_employer(request, form, data)
        data["subject"] = data.get("subject") or None
        try:
            appeal = services.appeal_intake(
                actor=request.user,
                channel=data.pop("channel"),
                data=data,
                answer=data.pop("answer", ""),
                idempotency_key=request.POST.get("token") or None,
                new_employer=new_employer,
            )
        except ValidationError as error:
            offers = _employer_offers(request, form, error)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Appeal %(number)s recorded.") % {"number": appeal.number})
            if appeal.state == State.CLOSED:
                return redirect("appeals:intake")
            return redirect("appeals:dispatch", number=appeal.number)
    return render(
        request,
        "appeals/intake.html",
        {"form": form, "token": request.POST.get("token") or _token(), "offers": offers},
    )


@require_capability("appeal.intake")
def employer_search(request: HttpRequest) -> HttpResponse:
    """htmx: registered employers matching the typed name or credit code, to pick one."""
    q = request.GET.get("employer_name", request.GET.get("q", ""))
    employers = selectors.employer_search(actor=request.user, q=q)
    return render(request, "appeals/_employers.html", {"employers": employers, "q": q.strip()})


def _intake_organisations(user: Any) -> list[Organisation]:
    """Where the staff member takes appeals, their own (most local) union first."""
    paths = scope_paths(user, "appeal.intake")
    if paths is None:
        return [services.root_organisation()]
    return list(Organisation.objects.filter(path__in=paths).order_by("-depth", "path"))


@require_capability("appeal.intake")
def walk_in(request: HttpRequest) -> HttpResponse:
    """来访登记: a worker at the union office or a station, entered by the staff there. The
    receiving union defaults to the staff member's own; the same suggestion and routing as the
    hotline."""
    organisations = _intake_organisations(request.user)
    stations = selectors.walk_in_stations(actor=request.user)
    form = WalkInForm(
        request.POST or None,
        request.FILES or None,
        organisations=[(str(o.pk), o.name) for o in organisations],
        stations=[(str(st.pk), f"{st.name}（{st.code}）") for st in stations],
    )
    offers: list[Employer] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        new_employer = _intake_employer(request, form, data)
        organisation = next(o for o in organisations if str(o.pk) == data.pop("organisation"))
        station_pk = data.pop("station")
        station = next((st for st in stations if str(st.pk) == station_pk), None)
        files = data.pop("files")
        data["subject"] = data.get("subject") or None
        try:
            appeal = services.appeal_intake(
                actor=request.user,
                channel=Channel.WALK_IN,
                data=data,
                answer=data.pop("answer", ""),
                idempotency_key=request.POST.get("token") or None,
                new_employer=new_employer,
                organisation=organisation,
                station=station,
                files=files,
            )
        except ValidationError as error:
            offers = _employer_offers(request, form, error)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Appeal %(number)s recorded.") % {"number": appeal.number})
            if appeal.state == State.CLOSED:
                return redirect("appeals:walk_in")
            if actor_can(request.user, "appeal.dispatch", appeal.organisation.path):
                return redirect("appeals:dispatch", number=appeal.number)
            return redirect("appeals:detail", number=appeal.number)
    return render(
        request,
        "appeals/walk_in.html",
        {"form": form, "token": request.POST.get("token") or _token(), "offers": offers},
    )


@require_capability("appeal.intake")
def walk_in_visitor(request: HttpRequest) -> HttpResponse:
    """htmx: what the ID number read in says (birth date, sex, home division), the name if the
    visitor is a member in the staff member's area, and their earlier appeals."""
    raw = request.GET.get("id_number", "").strip()
    visitor = selectors.visitor_by_id_number(actor=request.user, raw=raw) if raw else None
    return render(request, "appeals/_visitor.html", {"visitor": visitor})


def _token() -> str:
    import uuid

    return uuid.uuid4().hex


@require_capability("appeal.view")
def phone_history(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's earlier appeals while the operator types the number."""
    phone = request.GET.get("phone", "")
    appeals = selectors.appeals_by_phone(actor=request.user, phone=phone)
    return render(request, "appeals/_history.html", {"appeals": appeals, "phone": phone})


@require_capability("appeal.intake")
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the suggested subject and the words behind it, as the facts are typed."""
    text = f"{request.GET.get('facts', '')} {request.GET.get('demand', '')}".strip()
    prediction = None
    if text:
        try:
            prediction = services.classifier().predict(text)
        except ValueError:
            prediction = None
    subject = Subject.objects.filter(code=prediction.category).first() if prediction else None
    return render(request, "appeals/_suggest.html", {"prediction": prediction, "subject": subject})


# --- one appeal ------------------------------------------------------------------------------


def _actions(request: HttpRequest, appeal: Appeal) -> dict[str, bool]:
    """Which buttons to show: allowed by the table and by the actor's capabilities here."""
    path = appeal.organisation.path
    user = request.user
    targets = rules.allowed_targets(appeal.state)
    can_handle = actor_can(user, "appeal.handle", path)
    pending = services.extension_request_pending(appeal)
    return {
        "dispatch": State.DISPATCHED in targets and actor_can(user, "appeal.dispatch", path),
        "sign": State.SIGNED in targets and can_handle,
        "start": State.IN_PROGRESS in targets and can_handle,
        "reply": State.REPLIED in targets and can_handle,
        "return": State.RETURNED in targets and can_handle and appeal.dispatched_by_id is not None,
        "extension_request": State.EXTENDED in targets
        and can_handle
        and not services.extension_request_used(appeal)
        and (appeal.reply_due is None or timezone.localdate() <= appeal.reply_due),
        "extension_decide": pending is not None
        and actor_can(user, "appeal.dispatch", pending.approver.path)
        and pending.requested_by_id != user.pk,
        "callback": appeal.state == State.REPLIED and actor_can(user, "appeal.callback", path),
        "close": State.CLOSED in targets
        and appeal.state == State.CALLBACK
        and actor_can(user, "appeal.callback", path),
        "merge": State.MERGED in targets and can_handle,
    }


@require_capability("appeal.view")
def appeal_detail(request: HttpRequest, number: str) -> HttpResponse:
    appeal = selectors.appeal_get_for_actor(actor=request.user, number=number)
    can_reveal = actor_can(request.user, "pii.reveal", appeal.organisation.path)
    phone = mask_phone(appeal.phone)
    id_number = mask_id_number(appeal.id_number)
    if can_reveal and request.GET.get("reveal") == "1":
        path = appeal.organisation.path
        try:
            phone = pii_reveal(
                actor=request.user, obj=appeal, field="phone", organisation_path=path
            )
            if appeal.id_number:
                id_number = pii_reveal(
                    actor=request.user, obj=appeal, field="id_number", organisation_path=path
                )
        except PermissionDenied:
            raise Http404 from None
    return render(
        request,
        "appeals/detail.html",
        {
            "appeal": appeal,
            "events": appeal.events.select_related(None).order_by("created_at", "id"),
            "attachments": appeal.attachments.all(),
            "actions": _actions(request, appeal),
            "phone": phone,
            "id_number": id_number,
            "can_reveal": can_reveal,
            "satisfactions": [
                (Satisfaction.SATISFIED, Satisfaction.SATISFIED.label),
                (Satisfaction.BASIC, Satisfaction.BASIC.label),
                (Satisfaction.UNSATISFIED, Satisfaction.UNSATISFIED.label),
            ],
            "max_extension": rules.MAX_EXTENSION_DAYS,
            "approver": services.extension_approver(appeal),
            "extension": services.extension_request_pending(appeal),
            "extension_history": appeal.extension_requests.exclude(status="pending"),
            "is_wage": appeal.subject.code == "wage",
            "note_kind": EventKind.NOTE,
        },
    )


def _dispatch_targets(request: HttpRequest, appeal: Appeal) -> list[Organisation]:
    """Federations and unions below the appeal's current level that the actor may send to."""
    return list(
        Organisation.objects.visible_to(request.user, "appeal.dispatch")
        .filter(path__startswith=appeal.organisation.path)
        .exclude(pk=appeal.organisation_id)
        .filter(
            kind__in=[
                OrgKind.CITY_FEDERATION,
                OrgKind.COUNTY_FEDERATION,
                OrgKind.TOWNSHIP,
                OrgKind.INDUSTRY,
            ]
        )
        .order_by("path")[:300]
    )


@require_capability("appeal.dispatch")
def dispatch(request: HttpRequest, number: str) -> HttpResponse:
    """Dispatch page: the routing table's choice and why, pre-selected for one keypress."""
    appeal = selectors.appeal_get_for_actor(
        actor=request.user, number=number, capability="appeal.dispatch"
    )
    routed, reason = services.route_for(appeal.subject, appeal.division, appeal.employer)
    targets = _dispatch_targets(request, appeal)
    if (
        routed not in targets
        and routed.pk != appeal.organisation_id
        and actor_can(request.user, "appeal.dispatch", routed.path)
    ):
        targets.insert(0, routed)
    error = ""
    if request.method == "POST":
        target = next((o for o in targets if str(o.pk) == request.POST.get("organisation")), None)
        if target is None:
            error = _("Organisation: choose where to send the appeal.")
        else:
            note = request.POST.get("note", "").strip()
            why = reason if target.pk == routed.pk else _("Chosen by the dispatcher.")
            try:
                services.appeal_dispatch(
                    actor=request.user,
                    appeal=appeal,
                    organisation=target,
                    reason=f"{why} {note}".strip(),
                    version=_version(request),
                )
            except (ValidationError, Conflict) as exc:
                error = _message(exc)
            else:
                messages.success(
                    request,
                    _("%(number)s dispatched to %(org)s.")
                    % {"number": appeal.number, "org": target.name},
                )
                if (
                    actor_can(request.user, "appeal.intake")
                    and request.POST.get("next") == "intake"
                ):
                    return redirect("appeals:intake")
                return redirect("appeals:detail", number=appeal.number)
    return render(
        request,
        "appeals/dispatch.html",
        {
            "appeal": appeal,
            "routed": routed,
            "reason": reason,
            "targets": targets,
            "error": error,
            "can_handle_here": actor_can(request.user, "appeal.handle", appeal.organisation.path),
        },
    )


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _message(error: Exception) -> str:
    if isinstance(error, Conflict):
        return error.message
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


@require_POST
@require_capability("appeal.view")
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One POST per button; a conflict or bad input comes back as a message on the page."""
    appeal = selectors.appeal_get_for_actor(actor=request.user, number=number)
    post = request.POST
    common = {"actor": request.user, "appeal": appeal}
    version = _version(request)
    handlers = {
        "sign": lambda: services.appeal_sign(**common, version=version),
        "start": lambda: services.appeal_start(**common, version=version),
        "reply": lambda: services.appeal_reply(
            **common,
            reply=post.get("reply", ""),
            wages_recovered=post.get("wages_recovered") or None,
            version=version,
        ),
        "return": lambda: services.appeal_return(
            **common, reason=post.get("reason", ""), version=version
        ),
        "extension-request": lambda: services.appeal_extension_request(
            **common, days=post.get("days", 0), reason=post.get("reason", ""), version=version
        ),
        "extension-approve": lambda: services.appeal_extension_approve(
            **common, days=post.get("days") or None, note=post.get("note", ""), version=version
        ),
        "extension-reject": lambda: services.appeal_extension_reject(
            **common, reason=post.get("reason", ""), version=version
        ),
        "callback": lambda: services.appeal_callback(
            **common, result=post.get("result", ""), note=post.get("note", ""), version=version
        ),
        "close": lambda: services.appeal_close(**common, version=version),
        "merge": lambda: services.appeal_merge(
            **common, into_number=post.get("into_number", ""), version=version
        ),
        "note": lambda: services.appeal_note(**common, text=post.get("text", "")),
        "attach": lambda: [
            services.attachment_add(actor=request.user, appeal=appeal, upload=upload)
            for upload in request.FILES.getlist("files")
        ],
    }
    if action not in handlers:
        raise Http404
    try:
        handlers[action]()
    except (ValidationError, Conflict) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("Saved."))
    if not actor_can(
        request.user, "appeal.view", Appeal.objects.get(pk=appeal.pk).organisation.path
    ):
        return redirect("appeals:queue")
    return redirect("appeals:detail", number=appeal.number)


@require_POST
def alert_read(request: HttpRequest, alert_id: int) -> HttpResponse:
    if not services.alert_mark_read(actor=request.user, alert_id=alert_id):
        raise Http404
    return redirect("appeals:queue")


# --- KPIs ------------------------------------------------------------------------------------


def _default_org(request: HttpRequest) -> Organisation:
    paths = scope_paths(request.user, "dashboard.view")
    if paths is None:
        return services.root_organisation()
    if not paths:
        raise Http404
    return Organisation.objects.get(path=min(paths, key=len))


@require_capability("dashboard.view")
def kpi(request: HttpRequest) -> HttpResponse:
    """Leadership figures of a subtree and period, each linking to the appeals behind it."""
    org = _org_param(request, "dashboard.view") or _default_org(request)
    today = timezone.localdate()
    start = _date(request.GET.get("from")) or today.replace(month=1, day=1)
    end = _date(request.GET.get("to")) or today
    figures = selectors.kpis(actor=request.user, org=org, start=start, end=end)
    children = Organisation.objects.visible_to(request.user, "dashboard.view").filter(
        parent=org, kind__in=[OrgKind.CITY_FEDERATION, OrgKind.COUNTY_FEDERATION]
    )
    base = f"org={org.code}&from={start.isoformat()}&to={end.isoformat()}"
    return render(
        request,
        "appeals/kpi.html",
        {
            "org": org,
            "start": start,
            "end": end,
            "k": figures,
            "children": children,
            "base": base,
            "overdue": selectors.overdue_list(actor=request.user, org=org),
            "chart": {
                "months": figures.months,
                "subjects": [
                    {"code": s["subject__code"], "name": s["subject__name"], "n": s["n"]}
                    for s in figures.subjects
                ],
                "list_url": f"?{base}",
            },
        },
    )
