# orgplane: declarative, audited organization structure for Kubernetes.
# `make help` lists the targets.

# The release version: the nearest v* tag (git describe), else v0.0.0-dev.
VERSION ?= $(shell git describe --tags --match 'v[0-9]*' 2>/dev/null || echo v0.0.0-dev)
# The commit stamped into binaries and image labels, and its time: every
# timestamp in the image, so that a commit always gives the same digest.
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
IMG_REPOSITORY ?= ghcr.io/orgplane/orgplane
IMG ?= $(IMG_REPOSITORY):$(VERSION)
# The platforms of the image index; the first is the one Docker's classic
# image store tags on `docker load`.
PLATFORMS ?= linux/amd64,linux/arm64
# What `make deploy` installs: config/default, or config/webhook-certmanager
# for the admission webhook with a cert-manager certificate.
DEPLOY ?= config/default
# Folder holding kube-apiserver and etcd, built by `make envtest`.
KUBEBUILDER_ASSETS ?= $(CURDIR)/bin/k8s
CONTROLLER_GEN = go tool controller-gen
GOLANGCI_LINT = $(CURDIR)/bin/golangci-lint
GO_TEST_FLAGS ?=
# What `make generate manifests` writes.
GENERATED = api internal/policyreport/api config charts/orgplane/crds charts/orgplane/files

.DEFAULT_GOAL := help
SHELL := /usr/bin/env bash -o pipefail

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n\n"} /^[a-zA-Z_-]+:.*?##/ { printf "  %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

##@ Development

.PHONY: generate
generate: ## Generate the DeepCopy methods of the API and of the policy report types.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths="{./api/...,./internal/policyreport/api/...}"

.PHONY: manifests
manifests: ## Generate the CRDs (config/crd/bases; the optional report CRDs in config/policyreport and config/openreports), the manager's ClusterRole (config/rbac/role.yaml) and the webhook configuration (config/webhook); copy what the Helm chart renders from config/ into charts/orgplane.
	$(CONTROLLER_GEN) crd paths=./api/... output:crd:artifacts:config=config/crd/bases
	$(CONTROLLER_GEN) crd paths=./internal/policyreport/api/wgpolicy/... output:crd:artifacts:config=config/policyreport
	$(CONTROLLER_GEN) crd paths=./internal/policyreport/api/openreports/... output:crd:artifacts:config=config/openreports
	$(CONTROLLER_GEN) rbac:roleName=orgplane-manager webhook paths=./... \
		output:rbac:artifacts:config=config/rbac output:webhook:artifacts:config=config/webhook
	hack/helm-chart-sync.sh

.PHONY: fmt
fmt: ## Format the Go code.
	gofmt -w $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './bin/*')

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: vet golangci-lint ## Check formatting, run go vet and golangci-lint (the linters of .golangci.yml).
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GOLANGCI_LINT) run ./...

.PHONY: golangci-lint
golangci-lint: ## Build golangci-lint (pinned in hack/golangci-lint/go.mod) into bin/ (once; about 4 minutes on 2 cores).
	hack/golangci-lint/build.sh

.PHONY: verify-generated
verify-generated: generate manifests ## Fail when generation changed code or manifests (compared with the git index, so staged work passes).
	@changed=$$(git diff --name-only -- $(GENERATED); git ls-files --others --exclude-standard -- $(GENERATED)); \
	if [ -n "$$changed" ]; then \
		echo "Generated files are stale; run 'make generate manifests' and commit:"; \
		echo "$$changed"; git diff --stat -- $(GENERATED); exit 1; fi

.PHONY: envtest
envtest: ## Build kube-apiserver and etcd from the Go module proxy into bin/k8s (once; about 5 minutes).
	hack/build-controlplane.sh $(KUBEBUILDER_ASSETS)

.PHONY: test-tools
test-tools: prometheus-tools ## Install what the tests check output formats with: Graphviz (apt-get, as root), the locked Mermaid parser and Backstage validators (npm, into bin/mermaid and bin/backstage), promtool and promqlcheck.
	bash hack/test-tools.sh

.PHONY: prometheus-tools
prometheus-tools: monitoring-crds ## Build promtool and promqlcheck (pinned in hack/prometheus/go.mod) into bin/, for the monitoring pack's tests (once; a few minutes).
	hack/prometheus/build.sh

.PHONY: monitoring-crds
monitoring-crds: ## Copy the prometheus-operator ServiceMonitor and PrometheusRule CRDs (pinned in hack/prometheus/crds.sh) into bin/crds/monitoring, for server-side dry-runs.
	hack/prometheus/crds.sh

.PHONY: krew
krew: bin/krew ## Build krew (pinned in hack/krew/go.mod) into bin/krew, for the release test's `krew install` of the plugin.

bin/krew: hack/krew/go.mod hack/krew/go.sum
	cd hack/krew && go build -o $(CURDIR)/bin/krew sigs.k8s.io/krew/cmd/krew

.PHONY: helm
helm: ## Build helm (pinned in hack/helm/go.mod) into bin/helm and render cert-manager's CRDs into bin/crds/cert-manager, for the Helm chart's tests.
	hack/helm-tools.sh

.PHONY: opa
opa: ## Build opa and conftest (pinned in hack/opa/go.mod) into bin/, the Rego peer of `kubectl org check` that test/peer compares with (once; a few minutes).
	hack/opa/build.sh

.PHONY: test
test: verify-generated lint envtest test-tools image helm krew opa ## Run every test against a real kube-apiserver and etcd.
	KUBEBUILDER_ASSETS=$(KUBEBUILDER_ASSETS) go test -timeout 45m $(GO_TEST_FLAGS) ./...

##@ Build and run

.PHONY: build
build: ## Build the manager binary into bin/manager.
	go build -o bin/manager .

.PHONY: install-plugin
install-plugin: ## Build the kubectl plugin and install it as kubectl-org in GOBIN (else GOPATH/bin): `kubectl org`.
	@dir="$(GOBIN)"; [ -n "$$dir" ] || dir="$$(go env GOBIN)"; [ -n "$$dir" ] || dir="$$(go env GOPATH)/bin"; \
	mkdir -p "$$dir" && go build -ldflags="-s -w" -o "$$dir/kubectl-org" ./cmd/kubectl-org && \
	echo "Installed $$dir/kubectl-org; with $$dir on the PATH, run: kubectl org --help"

.PHONY: run
run: build envtest ## Run the manager against the current cluster, or the embedded local control plane when none answers.
	hack/run.sh $(ARGS)

.PHONY: demo
demo: build envtest ## Apply config/samples to a running manager, wait until reconciled, print them, stop.
	hack/demo.sh

.PHONY: cluster-up
cluster-up: envtest ## Start the embedded local control plane (state and kubeconfig in bin/local/).
	hack/cluster.sh up

.PHONY: cluster-down
cluster-down: ## Stop the embedded local control plane.
	hack/cluster.sh down

.PHONY: image
image: ## Build the manager's OCI image for PLATFORMS, without a daemon, into bin/orgplane-image.tar named IMG; prints its digest, also in bin/orgplane-image.digest.
	go run ./hack/image build --image=$(IMG) --version=$(VERSION) --revision=$(REVISION) \
		--epoch=$(SOURCE_DATE_EPOCH) --platforms=$(PLATFORMS) --out=bin/orgplane-image.tar

.PHONY: image-push
image-push: image ## Push the image index of bin/orgplane-image.tar to IMG, with the credentials of `docker login` (the default keychain).
	go run ./hack/image push --archive=bin/orgplane-image.tar --image=$(IMG)

##@ Deployment

.PHONY: install
install: ## Install the CRDs into the current cluster.
	kubectl apply --server-side --force-conflicts -k config/crd

.PHONY: uninstall
uninstall: ## Remove the CRDs (and every orgplane object) from the current cluster.
	kubectl delete --ignore-not-found -k config/crd

.PHONY: deploy
deploy: ## Deploy the controller to the current cluster (IMG sets the image; DEPLOY=config/webhook-certmanager adds the webhook).
	kubectl kustomize $(DEPLOY) | sed 's|ghcr.io/orgplane/orgplane:latest|$(IMG)|' | kubectl apply --server-side -f -

.PHONY: undeploy
undeploy: ## Remove the controller from the current cluster.
	kubectl delete --ignore-not-found -k $(DEPLOY)

# The image digest that helm-package pins: the one `make image` wrote.
HELM_IMAGE_DIGEST ?= $(shell cat bin/orgplane-image.digest 2>/dev/null)

.PHONY: helm-package
helm-package: helm ## Package the Helm chart as dist/orgplane-X.Y.Z.tgz for VERSION=vX.Y.Z, with the image repository of IMG pinned by HELM_IMAGE_DIGEST (default: bin/orgplane-image.digest).
	hack/helm-package.sh dist $(VERSION) $(IMG) $(HELM_IMAGE_DIGEST)

##@ Release

.PHONY: release
release: helm ## Write a release into dist/ for VERSION=vX.Y.Z: image archive, install.yaml and the other manifests, Helm chart, plugin archives, krew manifest, checksums (docs/install.md).
	hack/release.sh $(VERSION) $(IMG_REPOSITORY) dist

##@ Fuzzing

FUZZTIME ?= 60s

.PHONY: fuzz
fuzz: ## Fuzz the policy engine, its fan-out, the manifest reader and the admission webhook's decoding for FUZZTIME each (default 60s); seeds live in testdata/fuzz, and go test replays them.
	go test -run '^$$' -fuzz '^FuzzEvaluate$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/policy/
	go test -run '^$$' -fuzz '^FuzzImpact$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/policy/
	go test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/manifest/
	go test -run '^$$' -fuzz '^FuzzAdmissionReview$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/webhooks/

##@ Reliability

.PHONY: chaos
chaos: envtest ## Run the reliability scenarios of test/chaos (SIGKILLs mid-convergence, apiserver outage, leader failover, conflicts, overload) and test/hostile's hostile inputs at full size, and write their figures into docs/reliability.md.
	KUBEBUILDER_ASSETS=$(KUBEBUILDER_ASSETS) go test -count=1 -timeout 90m -v ./test/chaos/ -args -chaos.full -chaos.record
	CHAOS=1 HOSTILE_REPORT=$(CURDIR)/docs/reliability.md KUBEBUILDER_ASSETS=$(KUBEBUILDER_ASSETS) go test -count=1 -timeout 90m -run '^TestHostile$$' ./test/hostile/

##@ Benchmarks

PEER_OBJECTS ?= 10000
PEER_RUNS ?= 5
# The org sizes of the in-cluster runs and of the plots; the targets are
# judged at BENCH_TARGET objects.
BENCH_SIZES ?= 1000,5000,10000,20000
BENCH_TARGET ?= 10000

.PHONY: bench
bench: envtest opa ## Run every benchmark (check vs OPA/conftest: PEER_OBJECTS, PEER_RUNS; engine and hierarchy; in-cluster floor, cold start, bulk apply and memory at BENCH_SIZES) and rewrite docs/performance.md's tables and plots.
	go run ./test/peer -objects $(PEER_OBJECTS) -runs $(PEER_RUNS) -docs docs/performance.md
	KUBEBUILDER_ASSETS=$(KUBEBUILDER_ASSETS) go run ./test/bench -sizes $(BENCH_SIZES) -target $(BENCH_TARGET) -docs docs/performance.md -plots docs
