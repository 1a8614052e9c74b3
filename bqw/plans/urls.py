from django.urls import path

from . import admin_views, views

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
    # a headquarters' own administration (issue 11)
    path("manage/", admin_views.plans_manage, name="plans-manage"),
    path("<int:pk>/edit/", admin_views.plan_edit, name="plans-edit"),
    path("<int:pk>/tasks/new/", admin_views.task_new, name="plans-task-new"),
    path("tasks/<int:pk>/edit/", admin_views.task_edit_view, name="plans-task-edit"),
    path("tasks/<int:pk>/move/", admin_views.task_move_view, name="plans-task-move"),
    path("tasks/<int:pk>/delete/", admin_views.task_delete_view, name="plans-task-delete"),
]
