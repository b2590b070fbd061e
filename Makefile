# orgplane: declarative, audited organization structure for Kubernetes.
# `make help` lists the targets.

IMG ?= ghcr.io/orgplane/orgplane:latest
# What `make deploy` installs: config/default, or config/webhook-certmanager
# for the admission webhook with a cert-manager certificate.
DEPLOY ?= config/default
# Folder holding kube-apiserver and etcd, built by `make envtest`.
KUBEBUILDER_ASSETS ?= $(CURDIR)/bin/k8s
CONTROLLER_GEN = go tool controller-gen
GO_TEST_FLAGS ?=
# What `make generate manifests` writes.
GENERATED = api internal/policyreport/api config

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
manifests: ## Generate the CRDs (config/crd/bases; the optional report CRDs in config/policyreport and config/openreports), the manager's ClusterRole (config/rbac/role.yaml) and the webhook configuration (config/webhook).
	$(CONTROLLER_GEN) crd paths=./api/... output:crd:artifacts:config=config/crd/bases
	$(CONTROLLER_GEN) crd paths=./internal/policyreport/api/wgpolicy/... output:crd:artifacts:config=config/policyreport
	$(CONTROLLER_GEN) crd paths=./internal/policyreport/api/openreports/... output:crd:artifacts:config=config/openreports
	$(CONTROLLER_GEN) rbac:roleName=orgplane-manager webhook paths=./... \
		output:rbac:artifacts:config=config/rbac output:webhook:artifacts:config=config/webhook

.PHONY: fmt
fmt: ## Format the Go code.
	gofmt -w $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './bin/*')

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: vet ## Check formatting and run go vet.
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

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
test-tools: ## Install what the tests check output formats with: Graphviz (apt-get, as root) and the locked Mermaid parser (npm, into bin/mermaid).
	bash hack/test-tools.sh

.PHONY: test
test: verify-generated lint envtest test-tools ## Run every test against a real kube-apiserver and etcd.
	KUBEBUILDER_ASSETS=$(KUBEBUILDER_ASSETS) go test $(GO_TEST_FLAGS) ./...

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

##@ Fuzzing

FUZZTIME ?= 60s

.PHONY: fuzz
fuzz: ## Fuzz the policy engine, its fan-out and the manifest reader for FUZZTIME each (default 60s); seeds live in testdata/fuzz, and go test replays them.
	go test -run '^$$' -fuzz '^FuzzEvaluate$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/policy/
	go test -run '^$$' -fuzz '^FuzzImpact$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/policy/
	go test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/manifest/

##@ Benchmarks

.PHONY: bench
bench: envtest ## Run the engine, plugin check and convergence benchmarks (results go in docs/performance.md).
	go test -run '^$$' -bench . -benchmem ./internal/policy/ ./internal/check/
	KUBEBUILDER_ASSETS=$(KUBEBUILDER_ASSETS) go test -run '^$$' -bench . -benchtime 1x -timeout 30m ./test/bench/
