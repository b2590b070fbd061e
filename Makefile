# orgplane: declarative, audited organization structure for Kubernetes.
# `make help` lists the targets.

IMG ?= ghcr.io/orgplane/orgplane:latest
# Folder holding kube-apiserver and etcd, built by `make envtest`.
KUBEBUILDER_ASSETS ?= $(CURDIR)/bin/k8s
CONTROLLER_GEN = go tool controller-gen
GO_TEST_FLAGS ?=

.DEFAULT_GOAL := help
SHELL := /usr/bin/env bash -o pipefail

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n\n"} /^[a-zA-Z_-]+:.*?##/ { printf "  %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

##@ Development

.PHONY: generate
generate: ## Generate the API's DeepCopy methods.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/...

.PHONY: manifests
manifests: ## Generate the CRDs (config/crd/bases), the manager's ClusterRole (config/rbac/role.yaml) and the webhook configuration (config/webhook).
	$(CONTROLLER_GEN) crd rbac:roleName=orgplane-manager webhook paths=./... \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac \
		output:webhook:artifacts:config=config/webhook

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
verify-generated: generate manifests ## Fail when generated code or manifests differ from what is committed.
	@if [ -n "$$(git status --porcelain -- api config)" ]; then \
		echo "Generated files are stale; run 'make generate manifests' and commit:"; \
		git status --porcelain -- api config; git diff --stat -- api config; exit 1; fi

.PHONY: envtest
envtest: ## Build kube-apiserver and etcd from the Go module proxy into bin/k8s (once; about 5 minutes).
	hack/build-controlplane.sh $(KUBEBUILDER_ASSETS)

.PHONY: test
test: verify-generated lint envtest ## Run every test against a real kube-apiserver and etcd.
	KUBEBUILDER_ASSETS=$(KUBEBUILDER_ASSETS) go test $(GO_TEST_FLAGS) ./...

##@ Build and run

.PHONY: build
build: ## Build the manager binary into bin/manager.
	go build -o bin/manager .

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
deploy: ## Deploy the controller to the current cluster (IMG sets the image).
	kubectl kustomize config/default | sed 's|ghcr.io/orgplane/orgplane:latest|$(IMG)|' | kubectl apply --server-side -f -

.PHONY: undeploy
undeploy: ## Remove the controller from the current cluster.
	kubectl delete --ignore-not-found -k config/default

##@ Benchmarks

.PHONY: bench
bench: envtest ## Run the engine and convergence benchmarks (results go in docs/performance.md).
	go test -run '^$$' -bench . -benchmem ./internal/policy/
	KUBEBUILDER_ASSETS=$(KUBEBUILDER_ASSETS) go test -run '^$$' -bench . -benchtime 1x -timeout 30m ./test/bench/
