"""Public pages of the shell. They set no cookie and make no request to another host."""

from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "core/home.html"


class SafetyAdviceView(TemplateView):
    template_name = "core/safety.html"
