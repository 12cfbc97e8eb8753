"""Background tasks really run: through the database worker by default, through Redis
(RQ) when REDIS_URL is set. Each test runs the platform's own commands in child
processes against a fresh database, as an operator's worker would."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import manage

ENQUEUE = (
    "from victory.core.tasks import sessions_clear_expired; "
    "result = sessions_clear_expired.enqueue(); print('ID', result.id)"
)
STATUS = (
    "from victory.core.tasks import sessions_clear_expired; "
    "print('STATUS', sessions_clear_expired.get_result('{id}').status)"
)


def _run(env: dict[str, str], *args: str) -> str:
    result = manage(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _enqueue_run_and_check(env: dict[str, str], *worker: str) -> None:
    _run(env, "migrate", "--no-input", "-v", "0")
    task_id = _run(env, "shell", "-c", ENQUEUE).split("ID", 1)[1].strip()
    assert "STATUS READY" in _run(env, "shell", "-c", STATUS.format(id=task_id))
    _run(env, *worker)
    assert "STATUS SUCCESSFUL" in _run(env, "shell", "-c", STATUS.format(id=task_id))


def test_database_worker_runs_an_enqueued_task(tmp_path: Path) -> None:
    _enqueue_run_and_check({"VICTORY_VAR_DIR": str(tmp_path)}, "db_worker", "--batch")


def test_redis_worker_runs_an_enqueued_task_and_redis_holds_the_cache(tmp_path: Path, redis_url: str) -> None:
    env = {"VICTORY_VAR_DIR": str(tmp_path), "REDIS_URL": redis_url}
    _enqueue_run_and_check(env, "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job")
    import redis

    output = _run(env, "shell", "-c", "from django.core.cache import cache; cache.set('probe', 'here', 60)")
    assert output is not None
    assert any(b"probe" in key for key in redis.Redis.from_url(redis_url).keys("*"))
