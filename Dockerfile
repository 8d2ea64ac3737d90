# syntax=docker/dockerfile:1
#
# dpfw container images: `slave` (the entrypoint) and `dpfw` in one image.
#
#   docker build -t dpfw .                        # small: static binaries on distroless, non-root
#   docker build --target toolchain -t dpfw:go .  # plus the Go toolchain and gcc, for slaves that
#                                                 # compile native packages at run time
#
# Both run `slave serve 0.0.0.0:10000` by default and take the cluster token
# from $DPFW_TOKEN (a Kubernetes Secret, `docker run -e DPFW_TOKEN`); they
# never need a writable file system for it. Run the master from the same
# image with `--entrypoint dpfw`. deploy/docker_test.go runs the binaries
# the way these entrypoints do (same arguments, environment and user).

ARG GO_VERSION=1.26.8

# build compiles static binaries; nothing of it reaches the small image
# but /out.
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=
ARG COMMIT=
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags="-s -w -X github.com/dpfw/dpfw/cmd/internal/buildinfo.version=${VERSION} -X github.com/dpfw/dpfw/cmd/internal/buildinfo.commit=${COMMIT}" -o /out/ ./cmd/dpfw ./cmd/slave

# toolchain is the variant with Go: the same binaries built with cgo (which
# plugin.Open needs) by the toolchain that stays in the image, the module's
# source in /src and its dependencies in the module cache, so that a slave
# can build a native package against exactly the code it runs.
FROM golang:${GO_VERSION}-bookworm AS toolchain
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=
ARG COMMIT=
RUN CGO_ENABLED=1 go build -buildvcs=false -ldflags="-X github.com/dpfw/dpfw/cmd/internal/buildinfo.version=${VERSION} -X github.com/dpfw/dpfw/cmd/internal/buildinfo.commit=${COMMIT}" -o /usr/local/bin/ ./cmd/dpfw ./cmd/slave
RUN useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin dpfw
ENV HOME=/home/dpfw GOCACHE=/home/dpfw/.cache/go-build GOFLAGS=-mod=readonly
USER 10001:10001
WORKDIR /home/dpfw
EXPOSE 10000
ENTRYPOINT ["/usr/local/bin/slave"]
CMD ["serve", "0.0.0.0:10000"]

# The default target: the two static binaries on distroless (no shell, no
# package manager), as user nonroot (65532).
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=build /out/slave /out/dpfw /usr/local/bin/
ENV HOME=/home/nonroot
USER 65532:65532
WORKDIR /home/nonroot
EXPOSE 10000
ENTRYPOINT ["/usr/local/bin/slave"]
CMD ["serve", "0.0.0.0:10000"]
