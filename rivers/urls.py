from django.urls import path

from rivers import views

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
]
