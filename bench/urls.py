"""The portal's URLs and, under /bench/floor/, the floor views (bench/floors.py)."""

from django.urls import include, path

from bench import floors

urlpatterns = [
    path("bench/floor/<str:name>/", floors.floor),
    path("", include("portal.urls")),
]
