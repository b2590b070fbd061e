// Command image builds and pushes the manager's container image without a
// container daemon (`make image`, `make image-push`; see internal/image).
//
//	go run ./hack/image build --version v0.2.0 --revision <commit> --epoch <commit time> \
//	    --platforms linux/amd64,linux/arm64 --out bin/orgplane-image.tar
//	go run ./hack/image push --archive bin/orgplane-image.tar --image ghcr.io/orgplane/orgplane:v0.2.0
//
// build prints the image index's digest (sha256:...) on stdout and writes it,
// with a newline, to the archive's path with .digest for .tar, so that a
// release can pin the Deployment's image by digest. push prints the pushed
// reference with that digest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/orgplane/orgplane/internal/image"
)

func main() { os.Exit(run()) }

// run runs the command of os.Args and returns the exit code.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: image build|push [flags] (-h for each)")
		return 2
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "build":
		err = build(ctx, args)
	case "push":
		err = push(ctx, args)
	default:
		fmt.Fprintf(os.Stderr, "image: unknown command %q: want build or push\n", cmd)
		return 2
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		return 1
	}
	return 0
}

func build(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("build", flag.ExitOnError)
	ver := fl.String("version", "v0.0.0-dev", "The version stamped into the manager and labelled on the image.")
	revision := fl.String("revision", "", "The source commit stamped into the manager and labelled on the image.")
	epoch := fl.Int64("epoch", sourceDateEpoch(), "Every timestamp in the image, in seconds since 1970: the commit's time (default $SOURCE_DATE_EPOCH, else 0).")
	repo := fl.String("repo", image.Repository, "The repository the image is named in; the tag is the version.")
	ref := fl.String("image", "", "The image's full name (default <repo>:<version>).")
	platforms := fl.String("platforms", "linux/amd64,linux/arm64", "The platforms of the image index, comma-separated; the first is the one that docker load tags on Docker's classic image store.")
	out := fl.String("out", image.Archive, "The OCI image layout archive to write.")
	binDir := fl.String("bin-dir", "bin/image", "Where the manager binaries are built, one folder per platform (kept: go build skips an up-to-date link).")
	_ = fl.Parse(args)
	if *revision == "" {
		return errors.New("--revision: required, the commit built (git rev-parse HEAD)")
	}
	if *ref == "" {
		*ref = *repo + ":" + *ver
	}
	spec := image.Spec{Version: *ver, Revision: *revision, Created: time.Unix(*epoch, 0).UTC()}

	var bins []image.Binary
	for _, s := range strings.Split(*platforms, ",") {
		p, err := v1.ParsePlatform(strings.TrimSpace(s))
		if err != nil {
			return err
		}
		start := time.Now()
		path, err := image.BuildManager(ctx, ".", *binDir, *p, spec.Version, spec.Revision)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "built %s (%s) in %s\n", path, p, time.Since(start).Round(time.Millisecond))
		bins = append(bins, image.Binary{Platform: *p, Path: path})
	}
	idx, err := image.Build(spec, bins)
	if err != nil {
		return err
	}
	digest, err := image.WriteArchive(*out, idx, *ref, spec.Created)
	if err != nil {
		return err
	}
	digestFile := strings.TrimSuffix(*out, ".tar") + ".digest"
	if err := os.WriteFile(digestFile, []byte(digest.String()+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %s@%s (%s)\n", *out, *ref, digest, *platforms)
	fmt.Println(digest)
	return nil
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH, the reproducible-builds.org
// convention for a build's time.
func sourceDateEpoch() int64 {
	n, _ := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
	return n
}

// push writes the archive's index, byte for byte, so the registry serves
// the digest that build printed. Credentials come from the default keychain:
// the docker config (`docker login`, credential helpers), as crane does.
func push(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("push", flag.ExitOnError)
	archive := fl.String("archive", image.Archive, "The archive that make image wrote.")
	ref := fl.String("image", "", "Where to push (default: the name in the archive).")
	_ = fl.Parse(args)
	dir, err := os.MkdirTemp("", "orgplane-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	idx, named, err := image.OpenArchive(*archive, dir)
	if err != nil {
		return err
	}
	if *ref == "" {
		*ref = named
	}
	tag, err := name.NewTag(*ref)
	if err != nil {
		return fmt.Errorf("image name %q: %w", *ref, err)
	}
	if err := remote.WriteIndex(tag, idx, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		return errors.Join(fmt.Errorf("pushing %s", tag), err)
	}
	digest, err := idx.Digest()
	if err != nil {
		return err
	}
	fmt.Println(tag.Context().Digest(digest.String()))
	return nil
}
