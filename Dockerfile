# syntax=docker/dockerfile:1
# Multi-stage build: dependencies are compiled in their own layer (cached until
# Cargo.toml / Cargo.lock change), then the service; the runtime image is slim
# and runs as a non-root user.

FROM rust:1-bookworm AS build
WORKDIR /src
# 1. Dependencies only, against stub sources: an empty `fn main() {}` for
#    every target the manifests declare (each `path = "...rs"`, and
#    benches/<name>.rs for a [[bench]] without one), so cargo can load the
#    workspace whatever targets are added. `.ci/dockerfile` runs this stage
#    in CI, so the file cannot rot.
COPY Cargo.toml Cargo.lock ./
COPY loadtest/Cargo.toml loadtest/Cargo.toml
RUN for manifest in Cargo.toml loadtest/Cargo.toml; do \
      dir=$(dirname "$manifest"); \
      awk -v dir="$dir" -F'"' \
        '/^\[/ { bench = ($0 == "[[bench]]") } \
         bench && /^name *=/ { print dir "/benches/" $2 ".rs" } \
         /^path *= *".*\.rs"/ { print dir "/" $2 }' "$manifest"; \
    done | sort -u | while read -r stub; do \
      mkdir -p "$(dirname "$stub")" && echo 'fn main() {}' > "$stub"; \
    done \
 && cargo build --release --locked -p playgate \
 && rm -rf src
# 2. The service itself.
COPY config config
COPY src src
RUN touch src/main.rs src/lib.rs && cargo build --release --locked -p playgate

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /var/lib/playgate --create-home playgate
COPY --from=build /src/target/release/playgate /usr/local/bin/playgate
COPY config/*.example.toml /etc/playgate/
USER playgate
WORKDIR /var/lib/playgate
# Configuration is layered: embedded defaults, then PLAYGATE_<SECTION>__<KEY>.
ENV PLAYGATE_SERVER__LISTEN=0.0.0.0:8080 \
    PLAYGATE_STORAGE__DATA_DIR=/var/lib/playgate \
    PLAYGATE_LOG__FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=2s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/playgate"]
CMD ["serve"]
