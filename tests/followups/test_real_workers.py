"""Follow-ups already due are each sent exactly once by real Celery workers on the real Redis
broker: with two workers dispatching at once, with a worker killed (SIGKILL) mid-dispatch and
another taking over, and with Redis restarted between scheduling and the due time.

"Sent" is a row in the dev outbox, written by the worker's `sms.send` task: one per caller.
"""

import os
import re
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db.models import Count
from django.utils import timezone

from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from followups.tasks import dispatch_due
from response_platform.sms.models import OutboxMessage, SmsMessage
from response_platform.sms.services import REQUEUE_AFTER, requeue_lost
from tests.followups.helpers import followable_case
from tests.personas import make_personas
from tests.workers import celery_worker, require_redis, tasks_sent_to_the_broker, wait_until, worker_log

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

OUTBOX = "response_platform.sms.backends.outbox.OutboxBackend"
ALL_SENT_WITHIN = 120  # seconds; a bound on the wait, each test passes as soon as everything is out


def due_follow_ups(count: int, *, due_in: timedelta = -timedelta(minutes=1)) -> list[int]:
    """`count` callers who agreed to follow-ups, each with a check-in text due (by default a minute ago)."""
    people = make_personas()
    due_at = timezone.now() + due_in
    rows = [
        FollowUp(
            case=followable_case(people.alice, phone=f"+447700900{i:03d}", reference=f"INC-{i}"),
            kind=FollowUpKind.CHECK_IN_SMS,
            due_at=due_at,
            created_by=people.alice,
        )
        for i in range(count)
    ]
    return [row.pk for row in FollowUp.objects.bulk_create(rows)]


def worker_env(redis_url: str) -> dict[str, str]:
    return {"REDIS_URL": redis_url, "SMS_BACKEND": OUTBOX}


def publish_dispatch(**options) -> None:
    """What beat does every minute (with a small batch, so a run spans many transactions)."""
    with tasks_sent_to_the_broker():
        dispatch_due.apply_async(kwargs={"batch_size": 2}, **options)


def all_sent(count: int) -> bool:
    done = not FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED).exists()
    return done and OutboxMessage.objects.count() >= count


def assert_each_sent_exactly_once(count: int, *logs: Path) -> None:
    sent = wait_until(lambda: all_sent(count), within=ALL_SENT_WITHIN)
    assert sent, (state(), "\n\n".join(worker_log(log)[-3000:] for log in logs))
    time.sleep(1)  # a duplicate would be a late send: give it a moment to show
    assert set(FollowUp.objects.values_list("status", "attempts")) == {(FollowUpStatus.SENT, 1)}
    assert SmsMessage.objects.count() == count
    assert FollowUp.objects.filter(sms__isnull=False).count() == count
    per_number = OutboxMessage.objects.values("to").annotate(n=Count("pk"))
    assert len(per_number) == count
    assert {row["n"] for row in per_number} == {1}


def state() -> dict:
    return {
        "follow-ups": dict(FollowUp.objects.values_list("status").annotate(n=Count("pk"))),
        "texts": dict(SmsMessage.objects.values_list("status").annotate(n=Count("pk"))),
        "outbox": OutboxMessage.objects.count(),
    }


def claimed_in(log: Path) -> list[int]:
    """What each dispatch run in this worker claimed (Celery logs the task's return value)."""
    return [
        int(n)
        for n in re.findall(r"Task followups\.dispatch_due\[[^\]]+\] succeeded in [\d.]+s: (\d+)", worker_log(log))
    ]


def test_two_workers_dispatching_at_once_send_each_follow_up_once():
    redis_url = require_redis()
    count = 120
    due_follow_ups(count)
    env = worker_env(redis_url)
    with (
        celery_worker(queues="followups,sms", env=env) as first,
        celery_worker(queues="followups,sms", env=env) as second,
    ):
        publish_dispatch()
        publish_dispatch()
        assert_each_sent_exactly_once(count, first, second)
        wait_until(lambda: len(claimed_in(first) + claimed_in(second)) == 2, within=30)
        runs = claimed_in(first) + claimed_in(second)
    # Both runs happened, and between them every row was claimed once: none twice, none left.
    assert len(runs) == 2 and sum(runs) == count


def _pid_of_worker_on(queue: str) -> int:
    """The worker process (a child of this test) that listens on `queue`."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and queue.encode() in b",".join(cmdline):
            return int(proc.name)
    raise AssertionError(f"no worker on {queue}")


def test_a_worker_killed_mid_dispatch_leaves_nothing_sent_twice_or_lost():
    redis_url = require_redis()
    count = 200
    due_follow_ups(count)
    env = worker_env(redis_url)
    # The doomed worker alone takes the first run (its own queue); the survivor sends the texts
    # meanwhile and, like the next minute's beat, dispatches again once the other is dead.
    doomed_queue = "followups-doomed"
    with celery_worker(queues="followups,sms", env=env) as survivor:
        with celery_worker(queues=f"{doomed_queue},sms", env=env) as doomed:
            pid = _pid_of_worker_on(doomed_queue)
            publish_dispatch(queue=doomed_queue)
            started = wait_until(
                lambda: FollowUp.objects.filter(status=FollowUpStatus.SENT).exists(), within=60, every=0.01
            )
            assert started, worker_log(doomed)[-3000:]
            os.kill(pid, signal.SIGKILL)
            # Killed mid-dispatch: some rows done, some not.
            assert FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED).exists()
        publish_dispatch()
        assert wait_until(lambda: not FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED).exists(), within=60)
        # A text committed just before the kill may have lost its task (the worker died before
        # publishing it): the SMS sweep that beat runs every minute queues it again once it has
        # waited REQUEUE_AFTER. Run that sweep as it will be then.
        with tasks_sent_to_the_broker():
            requeue_lost(now=timezone.now() + REQUEUE_AFTER + timedelta(seconds=1))
        assert_each_sent_exactly_once(count, survivor)


def _redis_port(redis_url: str) -> str:
    return str(urlparse(redis_url).port or 6379)


def _redis_answers(port: str) -> bool:
    return subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True, text=True).stdout.strip() == "PONG"


def _start_redis(port: str) -> None:
    # The command in /work/shared/TESTING.md and .ci/run: nothing kept on disk.
    subprocess.run(
        [
            "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", port,
            "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
        ],
        check=True,
    )  # fmt: skip
    assert wait_until(lambda: _redis_answers(port), within=20)


def restart_redis(redis_url: str) -> None:
    """Stop Redis, losing everything in it, and start it again. Always leaves it running."""
    port = _redis_port(redis_url)
    try:
        subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
        wait_until(lambda: not _redis_answers(port), within=10)
    finally:
        if not _redis_answers(port):
            _start_redis(port)


def test_follow_ups_scheduled_before_a_redis_restart_are_sent_once_after_it():
    redis_url = require_redis()
    count = 20
    ids = due_follow_ups(count, due_in=timedelta(seconds=5))
    due_at = FollowUp.objects.get(pk=ids[0]).due_at
    env = worker_env(redis_url)
    with celery_worker(queues="followups,sms", env=env) as log:
        restart_redis(redis_url)
        assert not FollowUp.objects.exclude(status=FollowUpStatus.SCHEDULED).exists()
        wait_until(lambda: timezone.now() >= due_at, within=30)
        # The worker reconnects by itself; the beat's next publish finds the rows in the database.
        publish_dispatch()
        assert_each_sent_exactly_once(count, log)
