// Package bases holds the CRDs that controller-gen writes here (`make
// manifests`), embedded, so that programs judging manifests offline
// (internal/crdschema) validate against these very files rather than a copy
// that could go stale.
package bases

import "embed"

// FS holds the CRDs, one file each.
//
//go:embed org.orgplane.io_*.yaml
var FS embed.FS
