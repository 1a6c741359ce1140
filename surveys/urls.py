from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.questionnaire_list, name="questionnaires"),
    path("phieu/nhap/", views.questionnaire_import, name="questionnaire_import"),
    path("phieu/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("xa/<str:ref>/", views.round_list, name="rounds"),
    path("dot/<int:pk>/", views.round_detail, name="round"),
    path("dot/<int:pk>/tao-ma/", views.round_codes, name="codes"),
    path("dot/<int:pk>/ma-ho/", views.round_codes_print, name="codes_print"),
    path("dot/<int:pk>/ma-ho.xlsx", views.round_codes_xlsx, name="codes_xlsx"),
    path("dot/<int:pk>/mau-nhap.xlsx", views.round_template, name="template"),
    path("dot/<int:pk>/nhap-excel/", views.round_import_excel, name="import_excel"),
    path("dot/<int:pk>/nhap-kobo/", views.round_import_kobo, name="import_kobo"),
    path("dot/<int:pk>/dong/", views.round_close, name="close"),
    path("dot/<int:pk>/ho-so/", views.round_attach, name="attach"),
]
