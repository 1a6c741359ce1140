from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import login, password_reset, two_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", login.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mat-khau/", login.password_change, name="password_change"),
    path("xac-thuc-hai-buoc/", two_factor.two_factor, name="two_factor"),
    path("quen-mat-khau/", password_reset.RequestView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", password_reset.DoneView.as_view(), name="password_reset_done"),
    path("dat-lai/<uidb64>/<token>/", password_reset.ConfirmView.as_view(), name="password_reset_confirm"),
    path("dat-lai/xong/", password_reset.CompleteView.as_view(), name="password_reset_complete"),
    path("xac-thuc-hai-buoc/tat/", two_factor.two_factor_disable, name="two_factor_disable"),
]
