"""Feedback (好差评) API, mounted at /api/v1/."""

from django.urls import path

from . import figures, orders, rate

urlpatterns = [
    # Rating by the link (no login)
    path("feedback/rate/<str:token>/", rate.RateByTokenApi.as_view(), name="api-feedback-rate"),
    path("feedback/figures/", figures.FiguresApi.as_view(), name="api-feedback-figures"),
    path("feedback/ratings/", figures.RatingListApi.as_view(), name="api-feedback-ratings"),
    path(
        "feedback/ratings/export.csv",
        figures.RatingExportCsvApi.as_view(),
        name="api-feedback-ratings-csv",
    ),
    path(
        "feedback/ratings/export.json",
        figures.RatingExportJsonApi.as_view(),
        name="api-feedback-ratings-json",
    ),
    # 差评整改
    path("feedback/orders/", orders.OrderListApi.as_view(), name="api-feedback-orders"),
    path("feedback/orders/<id:pk>/", orders.OrderDetailApi.as_view(), name="api-feedback-order"),
    path(
        "feedback/orders/<id:pk>/call-back/",
        orders.OrderCallBackApi.as_view(),
        name="api-feedback-order-call-back",
    ),
    path(
        "feedback/orders/<id:pk>/reply/",
        orders.OrderReplyApi.as_view(),
        name="api-feedback-order-reply",
    ),
    path(
        "feedback/orders/<id:pk>/return-visit/",
        orders.OrderReturnVisitApi.as_view(),
        name="api-feedback-order-return-visit",
    ),
    path(
        "feedback/orders/<id:pk>/appeal/",
        orders.OrderAppealApi.as_view(),
        name="api-feedback-order-appeal",
    ),
    path(
        "feedback/orders/<id:pk>/rule/",
        orders.OrderRuleApi.as_view(),
        name="api-feedback-order-rule",
    ),
    path("feedback/appeals/", orders.AppealListApi.as_view(), name="api-feedback-appeals"),
    path(
        "feedback/appeals/<id:pk>/decide/",
        orders.AppealDecideApi.as_view(),
        name="api-feedback-appeal-decide",
    ),
]
