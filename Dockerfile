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
CMD ["centralka", "serve", "--host", "0.0.0.0"]
