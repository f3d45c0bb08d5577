# qacmock as a CI service container. The full container story (admin API health check,
# every option as an environment variable, recipes) is tracked separately.
FROM python:3.11-slim

RUN useradd --create-home --uid 10001 qacmock && mkdir /data && chown qacmock /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY mockserver ./mockserver
COPY contracts ./contracts
COPY seed_data ./seed_data
RUN pip install --no-cache-dir .

USER qacmock
ENV QACMOCK_HOST=0.0.0.0 \
    QACMOCK_PORT=8080 \
    QACMOCK_DB=/data/qacmock.db
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/psws/psws.asmx?WSDL', timeout=3)"
CMD ["qacmock", "serve"]
