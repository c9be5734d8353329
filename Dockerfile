FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng sox ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# The check loads the app, which would generate secrets: into a folder thrown away, never the image.
RUN pip install --no-cache-dir . && CENTRALKA_INSTANCE=/tmp/build-check centralka --help >/dev/null \
    && rm -rf /tmp/build-check
# Production: no secret is generated or defaulted; every one comes from the environment
# (docker-compose.yml reads .env) and known or short ones are refused at start.
ENV CENTRALKA_ENV=production
# One container running every process under the development supervisor; docker-compose.yml runs
# one process per service instead.
EXPOSE 8000 8001
CMD ["centralka", "serve", "--host", "0.0.0.0", "--switch-bind", "0.0.0.0:8001"]
