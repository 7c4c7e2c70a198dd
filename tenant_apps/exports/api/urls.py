from django.urls import path

from .views import ExportDetailView, ExportListView

urlpatterns = [
    path("", ExportListView.as_view(), name="exports"),
    path("<int:export_id>/", ExportDetailView.as_view(), name="export-detail"),
]
