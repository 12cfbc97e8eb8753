from .views import inbox, intake, staff

app_name = "reports"

urlpatterns = [*intake.urlpatterns, *inbox.urlpatterns, *staff.urlpatterns]
