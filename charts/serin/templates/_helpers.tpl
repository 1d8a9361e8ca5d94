{{/* The chart's name, and the release's full name (the name of most objects). */}}
{{- define "serin.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "serin.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "serin.selectorLabels" -}}
app.kubernetes.io/name: {{ include "serin.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "serin.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "serin.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: serin
{{- end }}

{{- define "serin.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "serin.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "serin.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "serin.leaseNamespace" -}}
{{- default .Release.Namespace .Values.leaderElection.namespace }}
{{- end }}

{{/*
What the controller reads and writes, and nothing more; the same rules make the ClusterRole
(all namespaces) or the Role (namespaced mode). The Lease is in a Role of its own, in the
lease's namespace only; in namespaced mode ClusterAnalysisTemplates (cluster-scoped) are in a
ClusterRole of their own. e2e/tests/test_chart.py checks each rule with `kubectl auth can-i`
and runs the controller under them.
Call with (dict "group" .Values.apiGroup "clusterTemplates" true|false).
*/}}
{{- define "serin.rules" -}}
- apiGroups: [{{ .group | quote }}]
  resources: [rollouts]
  verbs: [list, watch]
- apiGroups: [{{ .group | quote }}]
  resources: [rollouts/status]
  verbs: [update, patch]
# ReplicaSets and AnalysisRuns carry an owner reference to their Rollout with
# blockOwnerDeletion, which clusters with the OwnerReferencesPermissionEnforcement admission
# plugin (OpenShift) allow only to who may update the owner's finalizers.
- apiGroups: [{{ .group | quote }}]
  resources: [rollouts/finalizers]
  verbs: [update]
- apiGroups: [{{ .group | quote }}]
  resources: [analysisruns]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [{{ .group | quote }}]
  resources: [analysisruns/status]
  verbs: [update, patch]
- apiGroups: [{{ .group | quote }}]
  resources: [analysistemplates]
  verbs: [list, watch]
{{- if .clusterTemplates }}
- apiGroups: [{{ .group | quote }}]
  resources: [clusteranalysistemplates]
  verbs: [list, watch]
{{- end }}
- apiGroups: [apps]
  resources: [replicasets]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [services]
  verbs: [list, watch, patch]
# Analysis arguments from valueFrom.secretKeyRef.
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
- apiGroups: [""]
  resources: [pods]
  verbs: [list]
- apiGroups: [networking.istio.io]
  resources: [virtualservices, destinationrules]
  verbs: [list, watch, patch]
{{- end }}
