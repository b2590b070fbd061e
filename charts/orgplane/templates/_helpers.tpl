{{/*
The chart renders the names of config/default (orgplane-controller-manager,
orgplane-manager, ...), so that the chart and install.yaml manage the same
objects. They do not follow the release name: the CRDs and ClusterRoles are
cluster-wide, so a cluster runs one orgplane.
*/}}
{{- define "orgplane.name" -}}
{{ .Chart.Name }}
{{- end }}

{{/*
Selector labels: those of config/manager, because a Deployment's selector is
immutable and the Services select the same pods.
*/}}
{{- define "orgplane.selectorLabels" -}}
control-plane: controller-manager
app.kubernetes.io/name: {{ include "orgplane.name" . }}
{{- end }}

{{/*
Labels on every object: Helm's own, and part-of as config/default sets it.
Objects rendered from config/ keep their own labels besides these.
*/}}
{{- define "orgplane.baseLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ include "orgplane.tag" . | trunc 63 | quote }}
app.kubernetes.io/part-of: orgplane
{{- end }}

{{/* Labels of the Deployment: config/manager's, which its selector repeats. */}}
{{- define "orgplane.labels" -}}
{{ include "orgplane.baseLabels" . }}
{{ include "orgplane.selectorLabels" . }}
{{- end }}

{{/* The image tag, also the app.kubernetes.io/version label. */}}
{{- define "orgplane.tag" -}}
{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The image by tag, and pinned by digest when one is set, as install.yaml
pins it: the runtime pulls by digest; the tag tells people and `kubectl org
version --cluster` which release it is. */}}
{{- define "orgplane.image" -}}
{{ .Values.image.repository }}:{{ include "orgplane.tag" . }}
{{- with .Values.image.digest }}@{{ . }}{{ end }}
{{- end }}

{{/*
orgplane.prefixed gives a name of config/ its final name: config/webhook
leaves the orgplane- prefix to kustomize's namePrefix, the rest carry it.
*/}}
{{- define "orgplane.prefixed" -}}
{{- $prefix := printf "%s-" (include "orgplane.name" .ctx) -}}
{{- if hasPrefix $prefix .name }}{{ .name }}{{ else }}{{ $prefix }}{{ .name }}{{ end }}
{{- end }}

{{/*
orgplane.fromConfig renders an object of config/ from the copy that `make
manifests` keeps in files/ (files/config/rbac/role.yaml is
config/rbac/role.yaml), as kustomize renders it for config/default: its
final name, the release's namespace for namespaced objects and for the
manager's ServiceAccount in bindings, Helm's labels instead of kustomize's.
Templates that change more parse the result with fromYaml. Arguments: ctx
(the root context), path.
*/}}
{{- define "orgplane.fromConfig" -}}
{{- $obj := .ctx.Files.Get .path | fromYaml -}}
{{- if not $obj.metadata }}{{ fail (printf "%s holds no object: run make manifests" .path) }}{{ end -}}
{{ include "orgplane.configObject" (dict "ctx" .ctx "obj" $obj) }}
{{- end }}

{{/*
orgplane.configObject renders obj, an object of config/, as fromConfig
does; a namespaced object goes to namespace, by default the release's.
Arguments: ctx (the root context), obj, optionally namespace.
*/}}
{{- define "orgplane.configObject" -}}
{{- $ctx := .ctx -}}
{{- $obj := deepCopy .obj -}}
{{- $meta := $obj.metadata -}}
{{- $_ := set $meta "name" (include "orgplane.prefixed" (dict "ctx" $ctx "name" $meta.name)) -}}
{{- if $meta.namespace }}{{ $_ := set $meta "namespace" (.namespace | default $ctx.Release.Namespace) }}{{ end -}}
{{- $labels := omit ($meta.labels | default dict) "app.kubernetes.io/managed-by" -}}
{{- $_ := set $meta "labels" (merge $labels (include "orgplane.baseLabels" $ctx | fromYaml)) -}}
{{- /* Subjects in config's namespace are the manager's ServiceAccount; others (Prometheus's) stay. */}}
{{- range $obj.subjects }}
{{- if eq (.namespace | default "") "orgplane-system" }}{{ $_ := set . "namespace" $ctx.Release.Namespace }}{{ end }}
{{- end -}}
{{ toYaml $obj }}
{{- end }}

{{/*
orgplane.configObjects lists the objects of a multi-document file of
config/ (its copy in files/), as {"items": [...]}. Argument: ctx, path.
*/}}
{{- define "orgplane.configObjects" -}}
{{- $items := list -}}
{{- range regexSplit "(?m)^---[ \t]*$" (.ctx.Files.Get .path) -1 }}
{{- $obj := fromYaml . }}
{{- if $obj.kind }}{{ $items = append $items $obj }}{{ end }}
{{- end -}}
{{ toYaml (dict "items" $items) }}
{{- end }}
