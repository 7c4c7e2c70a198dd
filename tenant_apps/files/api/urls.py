from django.urls import path

from .views import FileDetailView, FileListView

urlpatterns = [
    path("", FileListView.as_view(), name="files"),
    path("<int:file_id>/", FileDetailView.as_view(), name="file-detail"),
]
