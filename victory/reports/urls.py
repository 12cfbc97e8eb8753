from .views import inbox, inbox_consent, intake, staff

app_name = "reports"

urlpatterns = [*intake.urlpatterns, *inbox.urlpatterns, *inbox_consent.urlpatterns, *staff.urlpatterns]
