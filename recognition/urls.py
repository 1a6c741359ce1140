from django.urls import path

from recognition import views, views_documents

app_name = "recognition"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("xa/<str:ref>/dang-ky/", views.dossier_register, name="register"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/buoc-tiep/", views.dossier_step, name="step"),
    path("<int:pk>/tra-lai/", views.dossier_return, name="return"),
    path("<int:pk>/quyet-dinh.pdf", views.decision_pdf, name="decision_pdf"),
    path("<int:pk>/dieu-kien/", views.dossier_condition, name="condition"),
    path("<int:pk>/y-kien/<int:comment_pk>/tra-loi/", views.comment_answer, name="answer"),
    path("<int:pk>/van-ban/<slug:slug>.docx", views_documents.dossier_document, name="document"),
    path("<int:pk>/ho-so.zip", views_documents.dossier_zip, name="zip"),
    path("quyet-dinh/<int:pk>/thu-hoi/", views_documents.revocation_register, name="revocation_register"),
    path("quyet-dinh/<int:pk>/dinh-chinh/", views_documents.recognition_correct, name="correct"),
    path("quyet-dinh/<int:pk>/ban-quet/", views_documents.recognition_scan, name="scan"),
    path("quyet-dinh/<int:pk>/ban-quet/tai-ve/", views_documents.recognition_scan_file, name="scan_file"),
]
