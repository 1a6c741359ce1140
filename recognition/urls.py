from django.urls import path

from recognition import views

app_name = "recognition"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("xa/<str:ref>/dang-ky/", views.dossier_register, name="register"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/buoc-tiep/", views.dossier_step, name="step"),
    path("<int:pk>/tra-lai/", views.dossier_return, name="return"),
    path("<int:pk>/quyet-dinh.pdf", views.decision_pdf, name="decision_pdf"),
]
