from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import login, two_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", login.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mat-khau/", login.password_change, name="password_change"),
    path("xac-thuc-hai-buoc/", two_factor.two_factor, name="two_factor"),
    path("xac-thuc-hai-buoc/tat/", two_factor.two_factor_disable, name="two_factor_disable"),
]
