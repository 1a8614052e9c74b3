from django.urls import path

from . import views

urlpatterns = [
    path("", views.library, name="projects-library"),
    path("export.xlsx", views.export, name="projects-export"),
    path("<int:pk>/", views.detail, name="projects-detail"),
    path("<int:pk>/transition/", views.transition, name="projects-transition"),
    path("<int:pk>/report/", views.report, name="projects-report"),
    path("evidence/<int:pk>/", views.evidence_download, name="projects-evidence"),
    path("teams/", views.teams, name="projects-teams"),
    path("teams/<int:pk>/", views.team, name="projects-team"),
    path("leaders/", views.leaders, name="projects-leaders"),
    path("leaders/<int:pk>/", views.leader, name="projects-leader"),
    path("letters/", views.letters, name="projects-letters"),
    path("letters/<int:pk>/", views.letter, name="projects-letter"),
    path("letters/<int:pk>/docx", views.letter_docx, name="projects-letter-docx"),
]
