"""Pages of feedback (好差评). Mounted at /feedback/."""

from django.urls import path

from .views import orders, pad, rate

app_name = "feedback"

urlpatterns = [
    # Rating: the link of a notice's QR code or an SMS, and "my applications".
    path("rate/<text:token>/", rate.rate, name="rate"),
    path("my/<id:pk>/", rate.my_rate, name="my_rate"),
    path("my/<id:pk>/follow-up/", rate.my_follow_up, name="my_follow_up"),
    # 差评整改: the units' orders, the citizen's return visit, appeals, 回头看.
    path("orders/", orders.orders, name="orders"),
    path("orders/<id:pk>/", orders.order_detail, name="order"),
    path("orders/<id:pk>/visit/", orders.order_visit, name="order_visit"),
    path("orders/<id:pk>/<slug:action>/", orders.order_action, name="order_action"),
    path("appeals/", orders.appeals, name="appeals"),
    path("appeals/<id:pk>/", orders.appeal_detail, name="appeal"),
    path("appeals/<id:pk>/evidence/", orders.appeal_evidence, name="appeal_evidence"),
    path("reviews/", orders.reviews, name="reviews"),
    path("reviews/<id:pk>/", orders.review_detail, name="review"),
    path("reviews/<id:pk>/entries/<id:entry_pk>/", orders.review_entry, name="review_entry"),
    # The counter pad (评价器): the tablet's pages share the cookie path /feedback/pad/.
    path("pad/", pad.screen, name="pad"),
    path("pad/bind/", pad.bind, name="pad-bind"),
    path("pad/poll/", pad.poll, name="pad-poll"),
    path("pad/idle/", pad.idle, name="pad-idle"),
    path("pad/rate/<id:pk>/", pad.rate, name="pad-rate"),
    # The clerk's page of the pads of their window.
    path("pads/", pad.pads, name="pads"),
    path("pads/new/", pad.pad_new, name="pad-new"),
    path("pads/<id:pk>/stop/", pad.pad_stop, name="pad-stop"),
]
