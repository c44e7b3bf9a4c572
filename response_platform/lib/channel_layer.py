"""channels_redis' core layer with fewer round trips to Redis per message.

channels_redis keeps one inbox in Redis per Daphne process (a sorted set that every socket
of the process shares) and takes messages out of it one at a time, behind one lock, with
four round trips each: restore the in-flight backup, a blocking pop, a backup write, and a
clean-up of the backup. Every round trip waits for the event loop that also serves every
socket of the process, so the more a process does, the slower its inbox drains: at 1,000
sockets the product's inbox filled (ChannelFull) while the same layer under a bare relay
kept up (bench/signaling_load). Sending took four round trips too.

Here, with the same keys, the same expiry, capacity and at-most-once promise:

- a receive takes every waiting message of the process inbox in one script (up to
  RECEIVE_BATCH), hands each to its socket's buffer, and only blocks in Redis when the inbox
  is empty; the batch is kept in the backup until the next script has seen it delivered, so
  a receive cancelled mid-way loses nothing, as before;
- a send is one script: drop expired messages, refuse when full, add, renew the expiry.

A failed receive still raises, so the signaling consumer still closes its socket (1013)
when Redis goes (tests/video/test_consumer_faults.py runs against this layer).
"""

import time

from channels.exceptions import ChannelFull
from channels_redis.core import RedisChannelLayer

# Messages taken out of a process inbox per round trip: enough to drain a burst at once,
# small enough that one script never holds Redis for long.
RECEIVE_BATCH = 100

# KEYS[1] inbox, KEYS[2] its backup. ARGV[1] "1" when the last batch was delivered, ARGV[2] batch size.
# A backup that was not delivered (the receive was cancelled while waiting for this
# script's answer) goes back into the inbox first, in its order.
_TAKE_BATCH = """
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[2])
else
  local backed_up = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
  for i = #backed_up, 1, -2 do
    redis.call('ZADD', KEYS[1], backed_up[i], backed_up[i - 1])
  end
  redis.call('DEL', KEYS[2])
end
local taken = redis.call('ZPOPMIN', KEYS[1], ARGV[2])
for i = 1, #taken, 2 do
  redis.call('ZADD', KEYS[2], taken[i + 1], taken[i])
end
return taken
"""

# KEYS[1] the channel. ARGV: message, score (now), expired before, capacity, expiry seconds.
_SEND = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[3])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


class BatchingRedisChannelLayer(RedisChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Per process inbox: was the last batch taken out of it handed to the sockets' buffers?
        self._delivered: dict[str, bool] = {}

    async def send(self, channel, message):
        if not isinstance(message, dict) or "__asgi_channel__" in message:
            raise TypeError("A message is a dict without the reserved key __asgi_channel__.")
        self.require_valid_channel_name(channel)  # raises TypeError for an invalid name
        target = channel
        if "!" in channel:
            # As channels_redis does: a socket's channel lives in its process's inbox.
            message = {**message, "__asgi_channel__": channel}
            target = self.non_local_name(channel)
            # The shard of the inbox, hashed as receive_single() hashes it (the process's name).
            index = self.consistent_hash(target)
        else:
            index = next(self._send_index_generator)
        now = time.time()
        added = await self.connection(index).eval(
            _SEND,
            1,
            self.prefix + target,
            self.serialize(message),
            now,
            int(now) - int(self.expiry),
            self.get_capacity(channel),
            int(self.expiry),
        )
        if not added:
            raise ChannelFull()

    async def receive_single(self, channel):
        """The last message of a batch for `channel`'s process; the others go to their sockets' buffers.

        Called by receive() with its lock held, so nothing else takes from this inbox meanwhile."""
        if "!" not in channel:
            return await super().receive_single(channel)  # a shared (non-process) channel: as before
        index = self.consistent_hash(channel)
        key = self.prefix + channel
        connection = self.connection(index)
        contents = await self._take_batch(connection, key)
        while not contents:
            # The inbox is empty: wait in Redis for the next message.
            popped = await connection.bzpopmin(key, timeout=self.brpop_timeout)
            if popped is not None:
                contents = [popped[1]]
        # From here to the return there is no await: the batch reaches the buffers whole or not at all.
        self._delivered[key] = True
        messages = []
        for content in contents:
            message = self.deserialize(content)
            messages.append((message.pop("__asgi_channel__", channel), message))
        # receive() buffers the one returned after these, so the last is returned: order is kept.
        for target, message in messages[:-1]:
            for each in target if isinstance(target, list) else [target]:
                self.receive_buffer[each].put_nowait(message)
        return messages[-1]

    async def _take_batch(self, connection, key: str) -> list[bytes]:
        delivered = self._delivered.get(key, True)
        # Undelivered until the caller has handed them out: a receive cancelled while waiting for
        # this answer leaves the batch in the backup, and the next script puts it back.
        self._delivered[key] = False
        taken = await connection.eval(_TAKE_BATCH, 2, key, key + "$inflight", "1" if delivered else "0", RECEIVE_BATCH)
        return taken[0::2]


# For tests and benches that build a layer configuration by hand.
BACKEND = f"{__name__}.{BatchingRedisChannelLayer.__name__}"
