"""Feedback (好差评) API, mounted at /api/v1/feedback/."""

from django.urls import path

from . import figures, orders, rate

urlpatterns = [
    # Rating by the link (no login)
    path("rate/<text:token>/", rate.RateByTokenApi.as_view(), name="api-feedback-rate"),
    path("figures/", figures.FiguresApi.as_view(), name="api-feedback-figures"),
    path("ratings/", figures.RatingListApi.as_view(), name="api-feedback-ratings"),
    path(
        "ratings/export.csv",
        figures.RatingExportCsvApi.as_view(),
        name="api-feedback-ratings-csv",
    ),
    path(
        "ratings/export.json",
        figures.RatingExportJsonApi.as_view(),
        name="api-feedback-ratings-json",
    ),
    # 差评整改
    path("orders/", orders.OrderListApi.as_view(), name="api-feedback-orders"),
    path("orders/<id:pk>/", orders.OrderDetailApi.as_view(), name="api-feedback-order"),
    path(
        "orders/<id:pk>/call-back/",
        orders.OrderCallBackApi.as_view(),
        name="api-feedback-order-call-back",
    ),
    path(
        "orders/<id:pk>/reply/",
        orders.OrderReplyApi.as_view(),
        name="api-feedback-order-reply",
    ),
    path(
        "orders/<id:pk>/return-visit/",
        orders.OrderReturnVisitApi.as_view(),
        name="api-feedback-order-return-visit",
    ),
    path(
        "orders/<id:pk>/appeal/",
        orders.OrderAppealApi.as_view(),
        name="api-feedback-order-appeal",
    ),
    path(
        "orders/<id:pk>/rule/",
        orders.OrderRuleApi.as_view(),
        name="api-feedback-order-rule",
    ),
    path("appeals/", orders.AppealListApi.as_view(), name="api-feedback-appeals"),
    path(
        "appeals/<id:pk>/decide/",
        orders.AppealDecideApi.as_view(),
        name="api-feedback-appeal-decide",
    ),
]
