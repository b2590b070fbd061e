package monitoring

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
	"github.com/orgplane/orgplane/internal/testing/builders"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

// TestDashboardAndAlertsNameOnlyExposedMetrics parses every PromQL
// expression of the dashboard and of the alert rules with Prometheus's parser
// and requires every metric they name in a scrape of the running manager's
// metrics, read as Prometheus reads them: over HTTPS with the token of the
// ServiceAccount that config/prometheus binds to orgplane-metrics-reader.
func TestDashboardAndAlertsNameOnlyExposedMetrics(t *testing.T) {
	named := selectedMetrics(t, append(dashboardQueries(t), ruleQueries(t)...))

	// Series for every orgplane metric: the samples' findings, and a policy
	// that cannot be evaluated for orgplane_stalled_objects.
	ns := "monitoring-samples"
	env.Namespace(t, ns)
	env.ApplySamples(t, ns)
	ensure(t, builders.MakeGovernancePolicy("broken", ns).Rules(
		builders.MakeCELRule("broken", "object.spec.vendor ==", "never").MatchKinds(orgv1.KindPlatform).Obj()).Obj())

	token := prometheusToken(t)
	NewWithT(t).Eventually(func(g Gomega) {
		families := scrape(g, token, http.StatusOK)
		for name, where := range named {
			g.Expect(exposes(families, name)).To(BeTrue(), "%s names %s, which the manager does not expose", strings.Join(where, ", "), name)
		}
	}, 30*time.Second, 250*time.Millisecond).Should(Succeed())
}

// selectedMetrics runs promqlcheck on the queries and returns each metric
// they name with the queries that name it; an expression that does not
// parse, or selects no named metric, fails the test.
func selectedMetrics(t *testing.T, queries []query) map[string][]string {
	t.Helper()
	exprs := make([]string, len(queries))
	for i, q := range queries {
		exprs[i] = q.expr
	}
	in, err := json.Marshal(exprs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool(t, "promqlcheck"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// promqlcheck exits 1 when an expression fails, which is reported below.
	if exit := (*exec.ExitError)(nil); err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		t.Fatalf("promqlcheck: %v\n%s", err, stderr.String())
	}
	named := map[string][]string{}
	lines := bufio.NewScanner(bytes.NewReader(out))
	for i := 0; lines.Scan(); i++ {
		var r struct {
			Metrics []string `json:"metrics"`
			Error   string   `json:"error"`
		}
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil || i >= len(queries) {
			t.Fatalf("promqlcheck printed %q: %v", lines.Text(), err)
		}
		if r.Error != "" {
			t.Errorf("%s: %s\n%s", queries[i].where, r.Error, queries[i].expr)
		}
		for _, m := range r.Metrics {
			named[m] = append(named[m], queries[i].where)
		}
	}
	if len(named) == 0 {
		t.Fatal("promqlcheck found no metric name")
	}
	return named
}

// exposes says whether the scrape has the series that name selects: a
// family, or a histogram's (or summary's) _bucket, _sum or _count.
func exposes(families map[string]*dto.MetricFamily, name string) bool {
	if _, ok := families[name]; ok {
		return true
	}
	for suffix, types := range map[string][]dto.MetricType{
		"_bucket": {dto.MetricType_HISTOGRAM},
		"_sum":    {dto.MetricType_HISTOGRAM, dto.MetricType_SUMMARY},
		"_count":  {dto.MetricType_HISTOGRAM, dto.MetricType_SUMMARY},
	} {
		if f, ok := families[strings.TrimSuffix(name, suffix)]; ok && strings.HasSuffix(name, suffix) {
			for _, typ := range types {
				if f.GetType() == typ {
					return true
				}
			}
		}
	}
	return false
}

// prometheusToken binds orgplane-metrics-reader as config/prometheus does,
// to monitoring/prometheus-k8s, and returns a token of that ServiceAccount.
// It first checks that the manager refuses the token of a ServiceAccount
// without the binding (another one: the manager caches a refusal for 30s).
func prometheusToken(t *testing.T) string {
	t.Helper()
	sa := func(name string) *corev1.ServiceAccount {
		return &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "monitoring"}}
	}
	env.Namespace(t, "monitoring")
	ensure(t, sa("prometheus-k8s"), sa("unbound"))
	unbound := serviceAccountToken(t, "monitoring", "unbound")
	NewWithT(t).Eventually(func(g Gomega) { scrape(g, unbound, http.StatusForbidden) }, 30*time.Second, 250*time.Millisecond).Should(Succeed(),
		"the manager must refuse a token without orgplane-metrics-reader")

	env.Kubectl(t, "apply", "-f", repo.Path("config", "rbac", "metrics_reader_role.yaml"),
		"-f", filepath.Join(pack, "metrics_reader_binding.yaml"))
	return serviceAccountToken(t, "monitoring", "prometheus-k8s")
}

func serviceAccountToken(t *testing.T, namespace, name string) string {
	t.Helper()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}}
	tr := &authenticationv1.TokenRequest{}
	if err := env.Client.SubResource("token").Create(context.Background(), sa, tr); err != nil {
		t.Fatalf("token for %s/%s: %v", namespace, name, err)
	}
	return tr.Status.Token
}

// scrape GETs the manager's metrics with a bearer token, as the
// ServiceMonitor does (the certificate is self-signed), expects the status
// code want, and parses a 200's body as Prometheus's text format.
func scrape(g Gomega, token string, want int) map[string]*dto.MetricFamily {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // as the ServiceMonitor: self-signed
	}}
	req, err := http.NewRequest(http.MethodGet, env.Manager.MetricsURL, http.NoBody)
	g.Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(want), fmt.Sprintf("GET %s", env.Manager.MetricsURL))
	if want != http.StatusOK {
		return nil
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	g.Expect(err).NotTo(HaveOccurred())
	return families
}
