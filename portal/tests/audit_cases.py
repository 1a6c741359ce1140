"""The portal cases of assessments/tests/test_every_write_is_audited.py: every write function of
portal/services.py leaves an audit record. `w` is that test's world; `user` a province admin."""

import datetime

from portal import services

NAMES = {f"portal.services.{n}" for n in (
    "save_draft", "submit_for_review", "return_to_draft", "publish", "add_image", "add_document",
    "update_settings", "publish_period", "submit_feedback", "publish_feedback", "answer_feedback",
    "reject_feedback")}

PDF = b"%PDF-1.4\n1 0 obj\n%%EOF"


def cases(w, user):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from portal.models import PortalSettings

    def draft():
        return services.save_draft(user, title="Tin", summary="", body="<p>x</p>")

    def in_review():
        article = draft()
        services.submit_for_review(user, article)
        return article

    def publish():
        PortalSettings.objects.update_or_create(pk=1, defaults={"two_person_publish": False})
        return services.publish(user, in_review())

    def image():
        raw = io.BytesIO()
        Image.new("RGB", (20, 10)).save(raw, "PNG")
        return services.add_image(user, draft(), raw.getvalue())

    addresses = iter(range(1, 250))

    def feedback():
        return services.submit_feedback(unit=w["commune"], text="Đường thôn 3 hỏng nặng",
                                        ip=f"203.0.113.{next(addresses)}")

    return {
        "portal.services.submit_feedback": feedback,
        "portal.services.publish_feedback": lambda: services.publish_feedback(user, feedback(), answer="Đã sửa"),
        "portal.services.answer_feedback": lambda: services.answer_feedback(user, feedback(), "Đang xử lý"),
        "portal.services.reject_feedback": lambda: services.reject_feedback(user, feedback(), "trùng lặp"),
        "portal.services.save_draft": draft,
        "portal.services.submit_for_review": lambda: services.submit_for_review(user, draft()),
        "portal.services.return_to_draft": lambda: services.return_to_draft(user, in_review()),
        "portal.services.publish": publish,
        "portal.services.add_image": image,
        "portal.services.add_document": lambda: services.add_document(
            user, title="KH", number="1/KH", issued_on=datetime.date(2026, 1, 5), kind="plan",
            upload=SimpleUploadedFile("kh.pdf", PDF)),
        "portal.services.update_settings": lambda: services.update_settings(
            user, show_computed_criteria=False, two_person_publish=True, link_allowlist="laocai.gov.vn"),
        "portal.services.publish_period": lambda: services.publish_period(user, w["period"]),
    }
