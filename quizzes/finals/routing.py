from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/finals/<int:final_id>/", consumers.FinalConsumer.as_asgi()),
    path("ws/finals/screen/<str:token>/", consumers.ScreenConsumer.as_asgi()),
]
