from django.urls import path

from . import views
from .exit import ExitView

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("safety/", views.SafetyAdviceView.as_view(), name="safety"),
    path("right-now/", views.RightNowView.as_view(), name="right_now"),
    path("exit/", ExitView.as_view(), name="exit"),
]
