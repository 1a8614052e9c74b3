from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="plans-index"),
    path("my/", views.my_tasks_view, name="plans-my"),
    path("inbox/", views.inbox, name="plans-inbox"),
    path("deliveries/", views.deliveries, name="plans-deliveries"),
    path("<int:pk>/", views.board, name="plans-board"),
    path("<int:pk>/stats/", views.stats, name="plans-stats"),
    path("<int:pk>/ledger.xlsx", views.ledger, name="plans-ledger"),
    path("<int:pk>/import/", views.import_view, name="plans-import"),
    path("tasks/<int:pk>/", views.task_detail, name="plans-task"),
    path("tasks/<int:pk>/report/", views.task_report, name="plans-task-report"),
    path("tasks/<int:pk>/close/", views.task_close_view, name="plans-task-close"),
    path("tasks/<int:pk>/decompose/", views.task_decompose_view, name="plans-task-decompose"),
    path("reports/<int:pk>/accept/", views.report_accept_view, name="plans-report-accept"),
    path("reports/<int:pk>/return/", views.report_return_view, name="plans-report-return"),
    path("evidence/<int:pk>/", views.evidence_download, name="plans-evidence"),
    path("notices/<int:pk>.docx", views.notice_document, name="plans-notice-docx"),
]
