package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/orgplane/orgplane/internal/testing/testenv"
)

// process is the real manager binary, running with its default flags
// except the addresses it serves on, which are free local ports so that
// runs on a shared machine do not collide, and plain-HTTP metrics, which
// tell when it has reconciled everything.
type process struct {
	cmd     *exec.Cmd
	metrics string
	log     testenv.Lines
	done    chan error
}

// startManager starts bin against the apiserver of kubeconfig, with extra
// flags (a run comparing settings) after the defaults.
func startManager(bin, kubeconfig string, extra []string) (*process, error) {
	metrics, err := freeAddress()
	if err != nil {
		return nil, err
	}
	probe, err := freeAddress()
	if err != nil {
		return nil, err
	}
	args := append([]string{"--metrics-bind-address=" + metrics, "--metrics-secure=false", "--health-probe-bind-address=" + probe}, extra...)
	p := &process{cmd: exec.Command(bin, args...), metrics: "http://" + metrics + "/metrics", done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	p.cmd.Stdout, p.cmd.Stderr = &p.log, &p.log
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.done <- p.cmd.Wait() }()
	return p, nil
}

// stop ends the manager with SIGTERM, as the kubelet does, and waits.
func (p *process) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(30 * time.Second):
		return errors.Join(errors.New("the manager did not stop within 30 s"), p.cmd.Process.Kill())
	}
}

// exited says whether the manager has stopped, with its log.
func (p *process) exited() error {
	select {
	case err := <-p.done:
		p.done <- err
		return fmt.Errorf("the manager exited (%w):\n%s", err, tail(p.log.String(), 40))
	default:
		return nil
	}
}

// memory is the manager's resident set now and at its peak, in bytes.
func (p *process) memory() (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		name, value, _ := strings.Cut(s.Text(), ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			rss = kb * 1024
		case "VmHWM":
			peak = kb * 1024
		}
	}
	return rss, peak, s.Err()
}

// queues is what the manager's metrics say of its work: reconciles done
// and items waiting or in progress, summed over its controllers.
type queues struct{ reconciles, pending float64 }

func (p *process) queues() (queues, error) {
	resp, err := http.Get(p.metrics) //nolint:noctx // the manager's own local endpoint, polled briefly
	if err != nil {
		return queues{}, err
	}
	defer resp.Body.Close()
	families, err := testenv.ParseFamilies(resp.Body)
	if err != nil {
		return queues{}, err
	}
	return queues{
		reconciles: families.Sum("controller_runtime_reconcile_total", nil),
		pending:    families.Sum("workqueue_depth", nil) + families.Sum("controller_runtime_active_workers", nil),
	}, nil
}

// idle waits until the manager has done at least the given number of
// reconciles and has nothing queued or in progress, and then for quiet more.
func (p *process) idle(ctx context.Context, reconciles int, quiet time.Duration, deadline time.Time) error {
	for {
		if err := p.exited(); err != nil {
			return err
		}
		q, err := p.queues()
		if err == nil && q.reconciles >= float64(reconciles) && q.pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			return errors.Join(fmt.Errorf("the manager did not settle (%d reconciles wanted; metrics %+v)", reconciles, q), err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(quiet):
		return nil
	}
}

func freeAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	return l.Addr().String(), l.Close()
}

func tail(s string, lines int) string {
	l := strings.Split(s, "\n")
	return strings.Join(l[max(0, len(l)-lines):], "\n")
}
