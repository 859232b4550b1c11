"""WebSocket consumers: they only listen. Actions go through HTTP POSTs with CSRF.

On connect a device gets the current snapshot at once, so a phone that dropped off the
network and reconnects shows the present state, not the last message it happened to see.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .models import Final
from .services.snapshot import current_snapshot, group_name
from .utils import can_host, team_of


class FinalConsumer(AsyncJsonWebsocketConsumer):
    """Host console and team devices: logged-in users with a role in this final."""

    async def connect(self):
        self.final_id = await self._authorised_final_id()
        if self.final_id is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(group_name(self.final_id), self.channel_name)
        await self.accept()
        await self.send_json(await self._snapshot())

    async def disconnect(self, code):
        if getattr(self, "final_id", None) is not None:
            await self.channel_layer.group_discard(group_name(self.final_id), self.channel_name)

    async def receive_json(self, content, **kwargs):
        # A device may ask again (after waking up); nothing else is accepted here.
        if content.get("type") == "refresh":
            await self.send_json(await self._snapshot())

    async def final_state(self, event):
        await self.send(text_data=event["text"])

    @database_sync_to_async
    def _authorised_final_id(self):
        user = self.scope.get("user")
        final = Final.objects.filter(pk=self.scope["url_route"]["kwargs"]["final_id"]).first()
        if final is None or user is None:
            return None
        if can_host(user, final) or team_of(user, final) is not None:
            return final.pk
        return None

    @database_sync_to_async
    def _snapshot(self):
        return current_snapshot(Final.objects.get(pk=self.final_id))


class ScreenConsumer(FinalConsumer):
    """The projector: no login, the final's unguessable screen token instead."""

    @database_sync_to_async
    def _authorised_final_id(self):
        token = self.scope["url_route"]["kwargs"]["token"]
        return Final.objects.filter(screen_token=token).values_list("pk", flat=True).first()
