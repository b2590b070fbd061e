// Package image assembles the manager's container image without a container
// daemon or a base image: an empty base, one layer holding the static
// /manager and the /etc/passwd and /etc/group of a nonroot user, one image
// per platform, all in one OCI image index.
//
// The assembly is reproducible: the same binaries and Spec give the same
// bytes, hence the same digest. Every time in the image is Spec.Created (the
// commit time, SOURCE_DATE_EPOCH), tar entries are sorted with fixed owners
// and modes, and JSON is marshalled from structs.
package image

import (
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	// Repository is where releases publish the image.
	Repository = "ghcr.io/orgplane/orgplane"
	// Source is the image's org.opencontainers.image.source: registries
	// (GHCR) link the package to this repository through it.
	Source = "https://github.com/orgplane/orgplane"
	// Entrypoint is the manager's path in the image; config/manager's
	// Deployment runs the same command.
	Entrypoint = "/manager"
	// User is the image's user:group, the nonroot entry of /etc/passwd, as in
	// distroless images.
	User = "65532:65532"
	// Archive is where `make image` writes the image, relative to the
	// repository's root.
	Archive = "bin/orgplane-image.tar"
)

// Spec is what an image is built from, besides its binaries.
type Spec struct {
	Version  string
	Revision string
	// Created is every timestamp in the image.
	Created time.Time
}

// Binary is the manager built for one platform.
type Binary struct {
	Platform v1.Platform
	Path     string
}

// Labels are the image config's OCI labels, also the index's annotations.
func (s Spec) Labels() map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "orgplane",
		"org.opencontainers.image.description": "orgplane controller manager: declarative, audited organization structure for Kubernetes",
		"org.opencontainers.image.source":      Source,
		"org.opencontainers.image.licenses":    "Apache-2.0",
		"org.opencontainers.image.version":     s.Version,
		"org.opencontainers.image.revision":    s.Revision,
		"org.opencontainers.image.created":     s.Created.UTC().Format(time.RFC3339),
	}
}

// Build assembles the index of one image per binary, in the binaries' order.
func Build(s Spec, bins []Binary) (v1.ImageIndex, error) {
	if len(bins) == 0 {
		return nil, fmt.Errorf("no binaries")
	}
	adds := make([]mutate.IndexAddendum, 0, len(bins))
	for _, b := range bins {
		img, err := platformImage(s, b)
		if err != nil {
			return nil, fmt.Errorf("image for %s: %w", b.Platform, err)
		}
		p := b.Platform
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	return mutate.Annotations(idx, s.Labels()).(v1.ImageIndex), nil
}

func platformImage(s Spec, b Binary) (v1.Image, error) {
	layer, err := rootfsLayer(b.Path, s.Created)
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: s.Created.UTC()}
	// OCI media types throughout: empty.Image is Docker schema 2.
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	base, err = mutate.ConfigFile(base, &v1.ConfigFile{
		Created:      created,
		OS:           b.Platform.OS,
		Architecture: b.Platform.Architecture,
		Variant:      b.Platform.Variant,
		RootFS:       v1.RootFS{Type: "layers"},
		Config: v1.Config{
			User:       User,
			Entrypoint: []string{Entrypoint},
			WorkingDir: "/",
			Labels:     s.Labels(),
		},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(base, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{Created: created, CreatedBy: "hack/image: " + Entrypoint + ", /etc/passwd, /etc/group", Comment: "orgplane " + s.Version},
	})
}
