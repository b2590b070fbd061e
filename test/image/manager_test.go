package image_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	authorizationv1 "k8s.io/api/authorization/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/policyreport/api/wgpolicy/v1alpha2"
	"github.com/orgplane/orgplane/internal/testing/repo"
	"github.com/orgplane/orgplane/internal/testing/testenv"
)

const (
	eventually = 90 * time.Second
	// samplesNS is where config/samples go, as the README installs them.
	samplesNS = "acme-retail"
	// kubeconfigPath is where the ServiceAccount's credentials sit in the
	// root filesystem, as a mounted Secret would.
	kubeconfigPath = "/var/run/secrets/orgplane/kubeconfig"
	nonroot        = 65532
)

// TestManagerRunsFromItsImageUnderTheShippedRBAC is the proof that the
// image runs and that the shipped RBAC is enough and no more: the samples
// converge to the README's findings, reports are written, the lease is
// held, nothing was forbidden along the way, and Secrets stay out of reach.
func TestManagerRunsFromItsImageUnderTheShippedRBAC(t *testing.T) {
	needImage(t)
	if os.Geteuid() != 0 {
		repo.Unavailable(t, "running the image needs root (chroot and setuid, as a container runtime)")
	}
	g := NewWithT(t)
	c := managerContainer(t)
	cfg, err := hostImage.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cfg.Config.Entrypoint, c.Command); diff != "" {
		t.Fatalf("the Deployment's command is not the image's entrypoint (-image +deployment):\n%s", diff)
	}

	// The ServiceAccount's identity, as its token would authenticate it.
	ns, sa := deployment.Namespace, deployment.Spec.Template.Spec.ServiceAccountName
	user, err := env.AddUser(envtest.User{
		Name:   "system:serviceaccount:" + ns + ":" + sa,
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + ns},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	root := rootfs(t, kubeconfig)

	probe, metrics := freePort(t), freePort(t)
	args, err := withFlags(c.Args, map[string]string{
		"--health-probe-bind-address": probe,
		"--metrics-bind-address":      metrics,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Outside a pod there is no namespace file to default to.
	args = append(args, "--leader-election-namespace="+ns)
	m := startManager(t, root, c.Command[0], args)

	g.Eventually(func() (int, error) {
		resp, err := http.Get("http://" + probe + "/readyz")
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}, eventually, 200*time.Millisecond).Should(Equal(http.StatusOK), "the manager never became ready")

	hostname, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	lease := &coordinationv1.Lease{}
	t.Run("holds the leader election lease", func(t *testing.T) {
		g := NewWithT(t)
		g.Expect(slices.Contains(c.Args, "--leader-elect")).To(BeTrue(), "the Deployment does not elect a leader")
		g.Eventually(func(g Gomega) {
			var l coordinationv1.LeaseList
			g.Expect(env.Client.List(ctx, &l, client.InNamespace(ns))).To(Succeed())
			g.Expect(l.Items).To(HaveLen(1))
			lease = &l.Items[0]
			g.Expect(lease.Spec.HolderIdentity).To(HaveValue(HavePrefix(hostname + "_")))
		}, eventually, 200*time.Millisecond).Should(Succeed())
	})

	t.Run("samples converge to the README's findings", func(t *testing.T) {
		g := NewWithT(t)
		env.ApplySamples(t, env.Namespace(t, samplesNS))
		want, err := repo.SamplesFindings()
		g.Expect(err).NotTo(HaveOccurred())
		var got []string
		g.Eventually(func(g Gomega) {
			got, err = testenv.Findings(ctx, env.Client, samplesNS)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(want))
		}, eventually, 200*time.Millisecond).Should(Succeed(), func() string { return cmp.Diff(want, got) })

		// One failed result per object and rule with findings; the
		// block's other lines are the Organizations' models.
		failed := map[string]bool{}
		for _, f := range want {
			fields := strings.Fields(f) // <kind>/<name> <severity> <policy>/<rule> ...
			if slices.Contains(orgv1.Severities, orgv1.Severity(fields[1])) {
				failed[fields[2]+" "+fields[0]] = true
			}
		}
		var reported []string
		g.Eventually(func(g Gomega) {
			var l v1alpha2.PolicyReportList
			g.Expect(env.Client.List(ctx, &l, client.InNamespace(samplesNS))).To(Succeed())
			g.Expect(l.Items).NotTo(BeEmpty())
			reported = nil
			for _, r := range l.Items {
				for _, res := range r.Results {
					if res.Result == "fail" && len(res.Subjects) > 0 {
						reported = append(reported, res.Policy+"/"+res.Rule+" "+res.Subjects[0].Kind+"/"+res.Subjects[0].Name)
					}
				}
			}
			slices.Sort(reported)
			g.Expect(reported).To(Equal(sortedKeys(failed)))
		}, eventually, 200*time.Millisecond).Should(Succeed(), "policy reports' failures")
	})

	t.Run("Secrets are out of reach", func(t *testing.T) {
		secretsAreOutOfReach(t, user.Config(), ns)
	})

	m.stop(t)
	t.Run("logged nothing forbidden", func(t *testing.T) {
		if lines := m.log.Matching("forbidden"); len(lines) > 0 {
			t.Errorf("the manager was refused requests, so the shipped RBAC misses rules:\n%s", strings.Join(lines, "\n"))
		}
	})
	t.Run("released the lease on SIGTERM", func(t *testing.T) {
		if lease.Name == "" {
			t.Fatal("no lease was held")
		}
		var l coordinationv1.Lease
		if err := env.Client.Get(ctx, client.ObjectKeyFromObject(lease), &l); err != nil {
			t.Fatal(err)
		}
		if h := l.Spec.HolderIdentity; h != nil && *h != "" {
			t.Errorf("the lease is still held by %q", *h)
		}
	})
}

// secretsAreOutOfReach asks the apiserver, as the ServiceAccount, what it
// may do (the RBAC decision, as `kubectl auth can-i` does) and tries to read
// Secrets.
func secretsAreOutOfReach(t *testing.T, cfg *rest.Config, ns string) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "not-for-orgplane", Namespace: ns}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		verb, group, resource, ns string
		want                      bool
	}{
		{"get", "", "secrets", ns, false},
		{"list", "", "secrets", ns, false},
		{"watch", "", "secrets", ns, false},
		{"list", "", "secrets", "", false},
		{"get", "", "secrets", samplesNS, false},
		{"create", "", "pods", ns, false},
		{"create", "coordination.k8s.io", "leases", samplesNS, false},
		// Leader election only gets, creates and updates its Lease.
		{"delete", "coordination.k8s.io", "leases", ns, false},
		{"list", "coordination.k8s.io", "leases", ns, false},
		{"patch", "coordination.k8s.io", "leases", ns, false},
		{"delete", "org.orgplane.io", "teams", samplesNS, false},
		// What it needs, so that the refusals above are about the rules and
		// not a stranger.
		{"list", "org.orgplane.io", "teams", "", true},
		{"patch", "org.orgplane.io", "teams/status", samplesNS, true},
		{"update", "coordination.k8s.io", "leases", ns, true},
		{"create", "wgpolicyk8s.io", "policyreports", samplesNS, true},
	} {
		resource, sub, _ := strings.Cut(tc.resource, "/")
		r, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: tc.ns, Verb: tc.verb, Group: tc.group, Resource: resource, Subresource: sub,
			}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Allowed != tc.want {
			t.Errorf("can %s %s.%s in %q: %v, want %v", tc.verb, tc.resource, tc.group, tc.ns, r.Status.Allowed, tc.want)
		}
	}
	// The requests themselves.
	if _, err := cs.CoreV1().Secrets(ns).Get(ctx, "not-for-orgplane", metav1.GetOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("get secret: %v, want Forbidden", err)
	}
	if _, err := cs.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("list secrets: %v, want Forbidden", err)
	}
	// No wildcard anywhere in what it may do (`kubectl auth can-i --list`).
	for _, n := range []string{ns, samplesNS} {
		rr, err := cs.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx, &authorizationv1.SelfSubjectRulesReview{
			Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: n},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, rule := range rr.Status.ResourceRules {
			if slices.Contains(rule.Verbs, "*") || slices.Contains(rule.Resources, "*") || slices.Contains(rule.APIGroups, "*") {
				t.Errorf("in %s, a wildcard rule: %+v", n, rule)
			}
		}
	}
}

// rootfs unpacks the image into a folder that becomes the manager's root,
// with the ServiceAccount's kubeconfig where a Secret volume would mount it:
// owned by root, readable by the nonroot group (fsGroup).
func rootfs(t *testing.T, kubeconfig []byte) string {
	t.Helper()
	root := t.TempDir()
	if _, err := unpack(hostImage, root); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(root, kubeconfigPath)
	if err := os.MkdirAll(filepath.Dir(secret), 0o755); err != nil {
		t.Fatal(err)
	}
	// The root must be searchable by nonroot once chrooted into; TempDir's
	// is 0700.
	for _, err := range []error{
		os.Chmod(root, 0o755),
		os.WriteFile(secret, kubeconfig, 0o440),
		os.Chown(secret, 0, nonroot),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// managerContainer is the Deployment's manager container.
func managerContainer(t *testing.T) corev1.Container {
	t.Helper()
	for _, c := range deployment.Spec.Template.Spec.Containers {
		if c.Name == "manager" {
			return c
		}
	}
	t.Fatalf("the Deployment %s has no manager container", deployment.Name)
	return corev1.Container{}
}

// withFlags sets the value of each --flag=value argument named in values;
// every one must be among args, so that a renamed flag fails here.
func withFlags(args []string, values map[string]string) ([]string, error) {
	out := slices.Clone(args)
	for flag, v := range values {
		i := slices.IndexFunc(out, func(a string) bool { return strings.HasPrefix(a, flag+"=") })
		if i < 0 {
			return nil, fmt.Errorf("the Deployment's args %q have no %s", args, flag)
		}
		out[i] = flag + "=" + v
	}
	return out, nil
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// manager is the manager's process.
type manager struct {
	cmd  *exec.Cmd
	log  *testenv.Lines
	done chan error
}

// startManager runs entrypoint with args, chrooted into root, as
// nonroot:nonroot with no supplementary groups, with only the kubeconfig in
// its environment, as the kubelet would start the container. Its output is
// logged when the test fails.
func startManager(t *testing.T, root, entrypoint string, args []string) *manager {
	t.Helper()
	m := &manager{log: &testenv.Lines{}, done: make(chan error, 1)}
	m.cmd = exec.Command(entrypoint, args...)
	m.cmd.Path = entrypoint // resolved inside the chroot, not on the host's PATH
	m.cmd.Dir = "/"
	m.cmd.Env = []string{"KUBECONFIG=" + kubeconfigPath}
	m.cmd.Stdout, m.cmd.Stderr = m.log, m.log
	m.cmd.SysProcAttr = &syscall.SysProcAttr{
		Chroot:     root,
		Credential: &syscall.Credential{Uid: nonroot, Gid: nonroot, Groups: []uint32{}},
		Pdeathsig:  syscall.SIGKILL,
	}
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("starting %s in %s: %v", entrypoint, root, err)
	}
	go func() { m.done <- m.cmd.Wait() }()
	t.Cleanup(func() {
		m.stop(t)
		if t.Failed() {
			t.Logf("the manager's output:\n%s", m.log)
		}
	})
	return m
}

// stop sends SIGTERM, as the kubelet does, and waits for a clean exit
// within the Deployment's grace period, else kills the process. Calling it
// again does nothing.
func (m *manager) stop(t *testing.T) {
	t.Helper()
	if m.done == nil {
		return
	}
	grace := 10 * time.Second
	if s := deployment.Spec.Template.Spec.TerminationGracePeriodSeconds; s != nil {
		grace = time.Duration(*s) * time.Second
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-m.done:
		if err != nil {
			t.Errorf("the manager exited on SIGTERM: %v", err)
		}
	case <-time.After(grace):
		kill := m.cmd.Process.Kill()
		t.Errorf("the manager did not exit within %s of SIGTERM (kill: %v; exit: %v)", grace, kill, <-m.done)
	}
	m.done = nil
}
