"""/p/<partnership>/plans…: the partnership's plan, priorities, actions and measures.

Plans and actions are addressed by their ``code`` (a UUID); priorities and measures by
their ``uid``, because their ``code`` is the plan's own ("A", "(i)")."""

from django.urls import include, path

from priorities import views

app_name = "plans"

plan_urls = [
    path("", views.plan_detail, name="detail"),
    path("edit/", views.plan_edit, name="edit"),
    path("delete/", views.plan_delete, name="delete"),
    path("adopt/", views.plan_adopt, name="adopt"),
    path("refresh/", views.plan_refresh, name="refresh"),
    path("on-a-page/", views.plan_on_a_page, name="on_a_page"),
    path("on-a-page.csv", views.plan_on_a_page_csv, name="on_a_page_csv"),
    path("priorities/new/", views.priority_create, name="priority_create"),
]

priority_urls = [
    path("edit/", views.priority_edit, name="priority_edit"),
    path("delete/", views.priority_delete, name="priority_delete"),
    path("measures/new/", views.measure_create, name="measure_create"),
    path("actions/new/", views.action_create, name="action_create"),
]

measure_urls = [
    path("edit/", views.measure_edit, name="measure_edit"),
    path("targets/", views.measure_targets, name="measure_targets"),
    path("delete/", views.measure_delete, name="measure_delete"),
]

action_urls = [
    path("edit/", views.action_edit, name="action_edit"),
    path("delete/", views.action_delete, name="action_delete"),
]

partnership_urls = [
    path("plans/", views.plan_list, name="list"),
    path("plans/new/", views.plan_create, name="create"),
    path("plans/<uuid:code>/", include(plan_urls)),
    path("priorities/<uuid:uid>/", include(priority_urls)),
    path("measures/<uuid:uid>/", include(measure_urls)),
    path("actions/<uuid:code>/", include(action_urls)),
]

urlpatterns = [
    path("p/<slug:partnership>/", include(partnership_urls)),
]
