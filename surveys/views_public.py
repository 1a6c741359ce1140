"""The public answer form: a household opens it with its one-time code, without an account."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.security import client_ip
from config.text import request_ip
from surveys import services, throttle
from surveys.codes import normalise_code
from surveys.forms import AnswerForm, CodeForm
from surveys.models import HouseholdCode


def _questions(survey):
    return list(survey.questionnaire.questions.prefetch_related("choices"))


def _usable(code_text: str):
    """(code, refusal message)."""
    code = (HouseholdCode.objects.select_related("round__questionnaire", "round__unit", "village")
            .filter(code=normalise_code(code_text)).first())
    if code is None:
        return None, _("This code does not exist. Check the code printed on your slip.")
    if code.used_at is not None:
        return None, _("This code has already been used to answer; each code answers once.")
    if not code.round.is_open or timezone.localdate() > code.round.ends_on:
        return None, _("The survey is closed; it takes no more answers.")
    return code, ""


def _blocked(request):
    response = render(request, "surveys/public_code.html", {"form": CodeForm(), "blocked": True}, status=429)
    response["Retry-After"] = "900"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request):
    ip = client_ip(request)
    if request.method == "GET":
        return render(request, "surveys/public_code.html", {"form": CodeForm()})
    if throttle.is_blocked(ip):
        return _blocked(request)
    if "answering" not in request.POST:
        form = CodeForm(request.POST)
        if not form.is_valid():
            return render(request, "surveys/public_code.html", {"form": form}, status=400)
        code, refusal = _usable(form.cleaned_data["code"])
        if code is None:
            throttle.register_failure(ip)
            form.add_error("code", refusal)
            return render(request, "surveys/public_code.html", {"form": form}, status=400)
        answers = AnswerForm(initial={"code": code.code}, questions=_questions(code.round))
        return render(request, "surveys/public_form.html", {"form": answers, "code": code})
    code, refusal = _usable(request.POST.get("code", ""))
    if code is None:
        throttle.register_failure(ip)
        form = CodeForm(initial={"code": request.POST.get("code", "")[:40]})
        return render(request, "surveys/public_code.html", {"form": form, "refusal": refusal}, status=400)
    answers = AnswerForm(request.POST, questions=_questions(code.round))
    if answers.is_valid():
        try:
            services.answer_with_code(code.code, answers.values(), ip_address=request_ip(request))
        except services.SurveyRefused as exc:
            return render(request, "surveys/public_code.html", {"form": CodeForm(), "refusal": exc.message},
                          status=400)
        except services.AnswersRejected as exc:
            for error in exc.errors:
                answers.add_error(None, error)
        else:
            return render(request, "surveys/public_thanks.html", {"survey": code.round})
    return render(request, "surveys/public_form.html", {"form": answers, "code": code}, status=400)
