# The serin-controller image: a Debian 12 builder compiles the controller (Release), and a
# slim runtime stage holds only the binary and the shared libraries it links.
#
#   podman build --isolation=chroot --network host -t serin-controller:dev .   (or docker build)
#
# e2e/image/build.sh does the whole thing on a machine without a registry (a debootstrapped
# base image, the build, a smoke test); README "Container image".

FROM debian:bookworm AS build
# The build part of e2e/deps/packages.sh (without ccache: one build, nothing to reuse).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libcpprest-dev nlohmann-json3-dev prometheus-cpp-dev libyaml-cpp-dev \
      libabsl-dev libgtest-dev libgmock-dev libssl-dev libcurl4-openssl-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the controller target: the unit tests are the job of `make test`, not of the image.
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
 && cmake --build /build --target serin-controller \
 && strip -o /serin-controller /build/operator/serin-controller \
 && /serin-controller --version

FROM debian:bookworm-slim
# The Debian packages of the libraries `ldd serin-controller` lists (libc6, libstdc++6 and
# libgcc-s1 are already in the base), and the CA bundle for HTTPS to Prometheus.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libcpprest2.10 libabsl20220623 libprometheus-cpp-core1.0 \
      libyaml-cpp0.7 libssl3 libbrotli1 zlib1g \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/log/apt /var/log/dpkg.log \
 && groupadd --system --gid 65532 serin \
 && useradd --system --uid 65532 --gid 65532 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin serin
COPY --from=build /serin-controller /usr/local/bin/serin-controller
# Fails the build here, not at the first pod start, if a shared library is missing.
RUN ! ldd /usr/local/bin/serin-controller | grep 'not found' \
 && /usr/local/bin/serin-controller --version

# The project version (CMakeLists.txt); e2e/image/build.sh passes it.
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="serin-controller" \
      org.opencontainers.image.description="serin: progressive delivery for Kubernetes (Argo Rollouts-compatible)" \
      org.opencontainers.image.version="${VERSION}"
# Numeric, so the kubelet can verify runAsNonRoot without reading /etc/passwd.
USER 65532:65532
# 8080: /healthz and /readyz; 8090: /metrics (Argo Rollouts' ports).
EXPOSE 8080 8090
ENTRYPOINT ["/usr/local/bin/serin-controller"]
