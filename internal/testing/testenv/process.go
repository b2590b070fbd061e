package testenv

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/orgplane/orgplane/internal/gobuild"
	"github.com/orgplane/orgplane/internal/testing/repo"
)

// Process is the manager binary (main.go, built as a release builds it)
// running as a process of its own against the environment, so that a test
// can SIGKILL it, run two of them or take its apiserver away. It serves its
// metrics over plain HTTP and its probes on free local ports, and logs JSON.
type Process struct {
	// Name tells processes apart in messages.
	Name string
	// Logs holds what it printed (standard output and error).
	Logs *Lines
	// MetricsURL and ProbeURL are its metrics endpoint and the root of its
	// health probes (ProbeURL+"/readyz").
	MetricsURL, ProbeURL string

	cmd  *exec.Cmd
	done chan struct{}
	err  error // the exit, once done is closed
	// stopping is set by Kill and Terminate: an exit without it fails the
	// test.
	stopping atomic.Bool
}

// ManagerBinary builds the manager once per environment (into a folder
// removed when the environment stops) and returns its path.
func (e *Env) ManagerBinary() (string, error) {
	e.manager.Lock()
	defer e.manager.Unlock()
	if e.manager.path != "" || e.manager.err != nil {
		return e.manager.path, e.manager.err
	}
	dir, err := os.MkdirTemp("", "orgplane-manager-")
	if err != nil {
		e.manager.err = err
		return "", err
	}
	e.Cleanup(func() { _ = os.RemoveAll(dir) })
	path := filepath.Join(dir, "manager")
	e.manager.err = gobuild.Build(context.Background(), repo.Root(), ".", path, runtime.GOOS, runtime.GOARCH, "v0.0.0-test", "")
	if e.manager.err == nil {
		e.manager.path = path
	}
	return e.manager.path, e.manager.err
}

// RunManager starts the manager binary with args (main's flags, after the
// harness's own: metrics, probes, JSON logs) and the environment's
// kubeconfig. It does not wait for it to be ready (WaitReady). An exit
// that Kill or Terminate did not cause fails t. When t ends the process is
// killed if still running, and its last lines are shown if t failed.
func (e *Env) RunManager(t testing.TB, name string, args ...string) *Process {
	t.Helper()
	bin, err := e.ManagerBinary()
	if err != nil {
		t.Fatal(err)
	}
	metrics, err := freeAddress()
	if err != nil {
		t.Fatal(err)
	}
	probes, err := freeAddress()
	if err != nil {
		t.Fatal(err)
	}
	p := &Process{
		Name: name, Logs: &Lines{}, MetricsURL: "http://" + metrics + "/metrics", ProbeURL: "http://" + probes,
		done: make(chan struct{}),
	}
	p.cmd = exec.Command(bin, append([]string{
		"--metrics-bind-address=" + metrics, "--metrics-secure=false",
		"--health-probe-bind-address=" + probes, "--zap-encoder=json",
	}, args...)...)
	p.cmd.Env = append(os.Environ(), "KUBECONFIG="+e.Kubeconfig)
	p.cmd.Stdout, p.cmd.Stderr = p.Logs, p.Logs
	// The manager dies with the test binary, whatever becomes of it.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting manager %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
		if !p.stopping.Load() {
			t.Errorf("manager %s exited by itself: %v", name, p.err)
		}
	}()
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("the last lines of manager %s:\n%s", name, p.Logs.Last(80))
		}
	})
	return p
}

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.done }

// Pid is the process's id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Kill sends SIGKILL and waits for the process to go; on a process that
// has exited it does nothing.
func (p *Process) Kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.stopping.Store(true)
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Terminate sends SIGTERM, as the kubelet does, and waits up to grace for
// a clean exit; else it kills the process and says so.
func (p *Process) Terminate(grace time.Duration) error {
	p.stopping.Store(true)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("manager %s exited on SIGTERM: %w", p.Name, p.err)
		}
		return nil
	case <-time.After(grace):
		p.Kill()
		return fmt.Errorf("manager %s did not exit within %s of SIGTERM", p.Name, grace)
	}
}

// Probe returns the status code of one of its probes ("/healthz",
// "/readyz").
func (p *Process) Probe(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.ProbeURL+path, http.NoBody)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// WaitReady waits until /readyz answers 200; it fails if the process exits
// first or ctx ends.
func (p *Process) WaitReady(ctx context.Context) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if code, err := p.Probe(ctx, "/readyz"); err == nil && code == http.StatusOK {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("manager %s exited before it was ready: %w", p.Name, p.err)
		case <-ctx.Done():
			return fmt.Errorf("manager %s not ready: %w", p.Name, ctx.Err())
		case <-tick.C:
		}
	}
}

// Scrape reads its metrics endpoint.
func (p *Process) Scrape(ctx context.Context) (Families, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.MetricsURL, http.NoBody)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("manager %s: GET %s: %s", p.Name, p.MetricsURL, resp.Status)
	}
	return ParseFamilies(resp.Body)
}

// Families are scraped metric families, by name.
type Families map[string]*dto.MetricFamily

// ParseFamilies reads metrics in Prometheus's text format.
func ParseFamilies(r io.Reader) (Families, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(r)
	return Families(fams), err
}

// Sum adds up the values of the series of metric name whose labels have
// the values that match gives (any series when nil).
func (f Families) Sum(name string, match func(labels map[string]string) bool) float64 {
	var sum float64
	for _, m := range f[name].GetMetric() {
		ls := map[string]string{}
		for _, l := range m.GetLabel() {
			ls[l.GetName()] = l.GetValue()
		}
		if match == nil || match(ls) {
			sum += value(m)
		}
	}
	return sum
}

// Writes counts the requests that changed something in the apiserver, as
// client-go's rest_client_requests_total counts them (by method): status
// patches, reports, events and its lease's renewals alike.
func (f Families) Writes() float64 {
	return f.Sum("rest_client_requests_total", func(ls map[string]string) bool {
		switch ls["method"] {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			return true
		}
		return false
	})
}

// RSS is the process's resident set size in bytes, from /proc.
func (p *Process) RSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.Pid()))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.Join(errors.New("no VmRSS in /proc/status"), s.Err())
}

// klogError is client-go's way of logging an error (a failed watch, say):
// klog's header, severity E.
var klogError = regexp.MustCompile(`^E\d{4} `)

// ErrorLines lists the lines it logged at error level: its own (JSON,
// "level":"error") and client-go's (klog, E....).
func (p *Process) ErrorLines() []string {
	var out []string
	for _, line := range strings.Split(p.Logs.String(), "\n") {
		if strings.Contains(line, `"level":"error"`) || klogError.MatchString(line) {
			out = append(out, line)
		}
	}
	return out
}
