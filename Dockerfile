# One image for web (daphne), worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed numeric id, so an orchestrator's runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app
# Dependencies first: a code change does not reinstall them.
COPY requirements.txt .
RUN pip install --requirement requirements.txt

# The code stays owned by root, so the app cannot rewrite itself.
COPY . .
# Hashed, compressed static files for DEBUG=false, built once here instead of
# at every start. The placeholders in deploy/build.env exist only for this
# command; they are never written into the image's environment.
RUN set -a && . deploy/build.env && set +a \
 && python manage.py collectstatic --noinput --verbosity 0 \
 && chown app:app var

USER 10001:10001
EXPOSE 8000
# daphne behind an access log that redacts join tokens and client addresses.
CMD ["python", "-m", "response_platform.serve", "--bind", "0.0.0.0", "--port", "8000", "response_platform.asgi:application"]
