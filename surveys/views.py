"""Staff pages of the surveys: questionnaires, a commune's rounds, a round with its results and
codes. Thin: parse, check access (surveys.permissions), call services or queries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import commune_for_user, require
from assessments.excel.reader import NotAWorkbook, read_workbook
from assessments.models import Period
from config.text import attachment_response, request_ip, safe_stem
from surveys import exports, imports, queries, rules, services
from surveys.forms import RoundForm, SatisfactionForm, UploadForm
from surveys.frame import parse_frame, parse_households
from surveys.models import Channel, Questionnaire, Round
from surveys.permissions import can_manage_questionnaires, can_read_questionnaires, can_run_rounds
from surveys.xlsform import FormRejected, parse_workbook

MAX_FORM_BYTES = 5 * 1024 * 1024


@login_required
def questionnaire_list(request):
    require(can_read_questionnaires(request.user))
    return render(request, "surveys/questionnaire_list.html", {
        "questionnaires": queries.questionnaires(), "can_manage": can_manage_questionnaires(request.user),
        "form": UploadForm()})


@login_required
@require_POST
def questionnaire_import(request):
    require(can_manage_questionnaires(request.user))
    form = UploadForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FORM_BYTES:
            errors = [_("The file is larger than 5 MB.")]
        else:
            try:
                spec = parse_workbook(read_workbook(upload, {"survey", "choices", "settings"}, max_rows=3000,
                                                    max_columns=100))
            except NotAWorkbook as exc:
                errors = [_("The file cannot be read as an Excel workbook (.xlsx): %(why)s") % {"why": exc}]
            except FormRejected as exc:
                errors = exc.errors
            else:
                questionnaire = services.import_questionnaire(
                    spec, source=_("XLSForm file %(name)s") % {"name": upload.name[:200]}, user=request.user,
                    ip_address=request_ip(request))
                if spec.skipped:
                    messages.info(request, _("Rows skipped (no household answer): %(rows)s") % {
                        "rows": ", ".join(spec.skipped[:30])})
                messages.success(request, _("The questionnaire was imported."))
                return redirect("surveys:questionnaire", pk=questionnaire.pk)
    return render(request, "surveys/questionnaire_list.html", {
        "questionnaires": queries.questionnaires(), "can_manage": True, "form": form, "errors": errors},
        status=400)


@login_required
def questionnaire_detail(request, pk):
    require(can_read_questionnaires(request.user))
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    questions = list(questionnaire.questions.prefetch_related("choices"))
    can_manage = can_manage_questionnaires(request.user)
    form = SatisfactionForm(request.POST or None, questions=questions) if can_manage else None
    status = 200
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            try:
                services.set_satisfaction(questionnaire, question_name=form.cleaned_data["question"],
                                          satisfied=form.cleaned_data["satisfied"], user=request.user,
                                          ip_address=request_ip(request))
            except services.SurveyRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("surveys:questionnaire", pk=pk)
        status = 400
    return render(request, "surveys/questionnaire_detail.html", {
        "questionnaire": questionnaire, "questions": questions, "form": form}, status=status)


def _round_form(unit, data=None):
    return RoundForm(data, periods=Period.objects.order_by("-as_of"),
                     dossiers=unit.dossiers.exclude(stage="decision"))


@login_required
def round_list(request, ref):
    unit = commune_for_user(request.user, ref)
    can_run = can_run_rounds(request.user, unit)
    form = _round_form(unit, request.POST or None) if can_run else None
    status = 200
    if request.method == "POST":
        require(can_run)
        if form.is_valid():
            data = form.cleaned_data
            villages, problems = parse_frame(data["villages"])
            households, listed_problems = parse_households(data["household_list"], villages)
            for problem in listed_problems:
                form.add_error("household_list", problem)
            problems += listed_problems
            for problem in problems:
                form.add_error("villages", problem)
            if not problems:
                try:
                    survey = services.create_round(
                        unit, data["questionnaire"], title=data["title"], conducted_by=data["conducted_by"],
                        starts_on=data["starts_on"], ends_on=data["ends_on"], villages=villages, households=households,
                        period=data["period"], dossier=data["dossier"], user=request.user,
                        ip_address=request_ip(request))
                except services.SurveyRefused as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("The survey round was created."))
                    return redirect("surveys:round", pk=survey.pk)
        status = 400
    return render(request, "surveys/round_list.html", {
        "unit": unit, "rounds": queries.rounds_of_unit(unit), "form": form}, status=status)


def _round(request, pk, *, run=False) -> Round:
    survey = get_object_or_404(Round.objects.select_related("unit", "questionnaire", "period", "dossier"), pk=pk)
    commune_for_user(request.user, survey.unit.ref)
    if run:
        require(can_run_rounds(request.user, survey.unit))
    return survey


def _round_page(request, survey, *, errors=None, unknown=None, status=200):
    can_run = can_run_rounds(request.user, survey.unit)
    attach = None
    if can_run and survey.dossier_id is None:
        dossiers = list(survey.unit.dossiers.exclude(stage="decision"))
        attach = dossiers or None
    return render(request, "surveys/round_detail.html", {"attach": attach,
        "survey": survey, "unit": survey.unit, "result": queries.round_results(survey),
        "can_run": can_run, "upload": UploadForm(),
        "errors": errors or [], "unknown": unknown or [], "rules": rules}, status=status)


@login_required
def round_detail(request, pk):
    return _round_page(request, _round(request, pk))


@login_required
@require_POST
def round_codes(request, pk):
    survey = _round(request, pk, run=True)
    try:
        made = services.generate_codes(survey, user=request.user, ip_address=request_ip(request))
    except services.SurveyRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s household codes were generated.") % {"n": made})
    return redirect("surveys:round", pk=pk)


@login_required
def round_codes_print(request, pk):
    survey = _round(request, pk, run=True)
    return render(request, "surveys/codes_print.html", {
        "survey": survey, "codes": queries.codes_for_print(survey),
        "answer_url": request.build_absolute_uri("/phieu-khao-sat/")})


@login_required
def round_codes_xlsx(request, pk):
    survey = _round(request, pk, run=True)
    content = exports.codes_workbook(survey, queries.codes_for_print(survey))
    return attachment_response(content, f"ma-ho-{safe_stem(survey.unit.name)}-{survey.pk}.xlsx")


@login_required
def round_template(request, pk):
    survey = _round(request, pk, run=True)
    questions = list(survey.questionnaire.questions.prefetch_related("choices"))
    return attachment_response(imports.template(survey, questions), f"mau-nhap-khao-sat-{survey.pk}.xlsx")


def _import(request, pk, channel):
    survey = _round(request, pk, run=True)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _round_page(request, survey, errors=[_("Choose a file.")], status=400)
    questions = list(survey.questionnaire.questions.prefetch_related("choices"))
    upload = form.cleaned_data["file"]
    try:
        if channel == Channel.EXCEL:
            rows, unknown = imports.read_excel(upload, questions)
        else:
            rows, unknown = imports.read_kobo(upload, questions)
        count = services.record_answers(survey, rows, channel=channel, source=upload.name, user=request.user,
                                        ip_address=request_ip(request))
    except services.AnswersRejected as exc:
        return _round_page(request, survey, errors=exc.errors, status=400)
    except services.SurveyRefused as exc:
        return _round_page(request, survey, errors=[exc.message], status=400)
    messages.success(request, _("%(n)s households' answers were imported.") % {"n": count})
    if unknown:
        messages.warning(request, _("Columns not read (no question of that name): %(cols)s") % {
            "cols": ", ".join(unknown[:40])})
    return redirect("surveys:round", pk=pk)


@login_required
@require_POST
def round_import_excel(request, pk):
    return _import(request, pk, Channel.EXCEL)


@login_required
@require_POST
def round_import_kobo(request, pk):
    return _import(request, pk, Channel.KOBO)


@login_required
@require_POST
def round_close(request, pk):
    survey = _round(request, pk, run=True)
    try:
        services.close_round(survey, user=request.user, ip_address=request_ip(request))
    except services.SurveyRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The round was closed."))
    return redirect("surveys:round", pk=pk)


@login_required
@require_POST
def round_attach(request, pk):
    survey = _round(request, pk, run=True)
    dossier = survey.unit.dossiers.filter(pk=request.POST.get("dossier") or 0).exclude(stage="decision").first()
    if dossier is None:
        messages.error(request, _("Choose a dossier of the commune."))
        return redirect("surveys:round", pk=pk)
    try:
        services.attach_dossier(survey, dossier, user=request.user, ip_address=request_ip(request))
    except services.SurveyRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The round is attached to the dossier."))
    return redirect("surveys:round", pk=pk)
