# Trustline operator image.
#   docker build -t REGISTRY/trustline:TAG .
# Stage 1 builds the release binary with the Swift runtime linked in statically
# (--static-swift-stdlib: no Swift libraries needed at run time). Stage 2 is a slim Debian with
# only what that binary loads: libcurl (HTTP) and the libcrypto it brings, CA certificates for the
# API server and AWS endpoints. scripts/image-smoke.sh proves that list is complete by assembling
# an image from exactly the libraries `ldd` names and converging a sample inside it.

ARG SWIFT_IMAGE=swift:6.2-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# Debian's security updates change these versions; the distribution release pins them enough.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4-openssl-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole package graph (test and benchmark targets too: SwiftPM checks every target's folder
# when it loads the manifest); .dockerignore keeps build folders out.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY Benchmarks ./Benchmarks
RUN swift build -c release --static-swift-stdlib --product trustline \
    && install -D -s -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/trustline" /out/trustline

FROM ${RUNTIME_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 65532 trustline \
    && useradd --system --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin trustline
COPY --from=build /out/trustline /usr/local/bin/trustline
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/trustline"]
CMD ["run", "--help"]
