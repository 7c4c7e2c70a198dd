from django.urls import path

from .views import FileDetailView, FileLimitsView, FileListView

urlpatterns = [
    path("", FileListView.as_view(), name="files"),
    path("limits/", FileLimitsView.as_view(), name="file-limits"),
    path("<int:file_id>/", FileDetailView.as_view(), name="file-detail"),
]
