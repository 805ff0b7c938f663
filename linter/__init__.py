"""linkerd-lint: a static linter for Linkerd service-mesh configuration in Kubernetes manifests."""

__version__ = "0.1.0"
