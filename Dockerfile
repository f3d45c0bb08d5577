# qacmock: a mock of QAComplete's SOAP service (psws.asmx), packaged as a CI service container.
#
# Quick start:
#   docker build -t qacmock .
#   docker run --rm -p 8080:8080 qacmock
#     SOAP:      http://localhost:8080/psws/psws.asmx  (WSDL at ?WSDL)
#     admin API: http://localhost:8080/__admin/health  (reset, seed, snapshots, journal, faults)
#   docker run --rm -p 8080:8080 -v qacmock-data:/data -e QACMOCK_ADMIN_TOKEN=s3cret qacmock
#
# Configure it with QACMOCK_* environment variables (each `qacmock serve` option has one; the
# table is in docs/ci.md), not with command-line options: the health check reads the same
# variables (QACMOCK_PORT, QACMOCK_ADMIN_TOKEN, QACMOCK_NO_ADMIN), so it follows them.
# `docker stop` sends SIGTERM: calls in flight are answered, the SQLite WAL is checkpointed
# into /data/qacmock.db, and the process exits 0; a SIGTERM during start-up stops it as soon
# as it is up (mockserver/stopping.py).
# CI recipes (GitHub Actions, GitLab CI, docker compose): docs/ci/.
# tests/test_dockerfile.py checks this file and builds its filesystem in a virtualenv.
FROM python:3.11-slim

LABEL org.opencontainers.image.title="qacmock" \
      org.opencontainers.image.description="A wire-compatible mock of SmartBear QAComplete's SOAP service (psws.asmx) with an admin API for tests" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/your-org/qacmock" \
      org.opencontainers.image.documentation="https://github.com/your-org/qacmock/blob/main/docs/ci.md"

# tini is PID 1: it passes SIGTERM on from the very first instant (PID 1 itself ignores a
# signal it has no handler for, and the interpreter takes ~50 ms to install qacmock's) and
# reaps the worker processes of --workers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

# An unprivileged user owning the data volume (created before VOLUME, so a new named volume
# starts out owned by it too).
RUN groupadd --system --gid 10001 qacmock \
 && useradd --system --uid 10001 --gid qacmock --home-dir /home/qacmock --create-home \
        --shell /usr/sbin/nologin qacmock \
 && mkdir /data \
 && chown qacmock:qacmock /data

# The dependencies first, in a layer of their own that only a change to pyproject.toml
# rebuilds: a change to the sources reuses it instead of downloading everything again.
WORKDIR /src
COPY pyproject.toml ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep=chr(10))" \
        > /tmp/requirements.txt \
 && pip install --no-cache-dir --disable-pip-version-check --root-user-action=ignore -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Then only what building the package needs. README.md is the package's long description;
# mockserver/default_dataset.json is a symlink to seed_data/default.json, so seed_data/ must be
# in the build tree for the default data to be packaged. A regular (not editable) install, and
# the sources are removed afterwards: the server runs from site-packages alone.
COPY README.md ./
COPY mockserver ./mockserver
COPY contracts ./contracts
COPY seed_data ./seed_data
RUN pip install --no-cache-dir --disable-pip-version-check --root-user-action=ignore --no-deps . \
 && cd / \
 && rm -rf /src

ENV QACMOCK_HOST=0.0.0.0 \
    QACMOCK_PORT=8080 \
    QACMOCK_DB=/data/qacmock.db \
    PYTHONUNBUFFERED=1

USER qacmock
WORKDIR /data
VOLUME /data
EXPOSE 8080

# `qacmock health` GETs /__admin/health on 127.0.0.1:$QACMOCK_PORT (with the bearer token from
# QACMOCK_ADMIN_TOKEN; the WSDL when QACMOCK_NO_ADMIN=1) and exits 0 or 1. Its own timeout is
# 3 s, under the 5 s given here. While starting, it runs every second (--start-interval,
# Docker 25 and later), so the container is healthy within a second of being ready instead of
# up to five; older Dockers ignore the option and use --interval.
HEALTHCHECK --interval=5s --timeout=5s --start-period=20s --start-interval=1s --retries=3 \
    CMD ["qacmock", "health"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--", "qacmock"]
CMD ["serve"]
