package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// KillAPIServer kills kube-apiserver (SIGKILL) and keeps etcd, as a crash
// of its node does; StartAPIServer brings it back. It kills rather than
// stops because a graceful stop waits for the watches of its clients (a
// manager's) to end, up to its request timeout of a minute, while still
// serving them.
func (e *Env) KillAPIServer() error {
	s := e.ControlPlane.APIServer
	flag := []byte("--secure-port=" + s.Port + "\x00")
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		return err
	}
	for _, p := range procs {
		cmdline, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(cmdline, []byte("kube-apiserver")) || !bytes.Contains(cmdline, flag) {
			continue // gone, or another process
		}
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if err == nil {
			err = syscall.Kill(pid, syscall.SIGKILL)
		}
		// Stop now finds the process gone, and forgets it.
		return errors.Join(err, s.Stop())
	}
	return fmt.Errorf("no kube-apiserver process serving port %s", s.Port)
}

// StartAPIServer starts kube-apiserver again after KillAPIServer, on the
// same port and with the same certificates and client CA, over the same
// etcd: its clients (Config, Kubeconfig, a manager process) need no change.
func (e *Env) StartAPIServer() error { return e.ControlPlane.APIServer.Start() }

// PeerAPIServer starts a second kube-apiserver over the environment's etcd,
// as a highly available control plane has, and returns a client of it with
// the environment's scheme, as a member of system:masters. Through it a
// test writes while the first apiserver is down. It stops when t ends.
func (e *Env) PeerAPIServer(t testing.TB) client.Client {
	t.Helper()
	certs := t.TempDir()
	s := &envtest.APIServer{
		EtcdURL: e.ControlPlane.Etcd.URL, Path: e.ControlPlane.APIServer.Path, CertDir: certs,
		StartTimeout: e.ControlPlane.APIServer.StartTimeout, StopTimeout: e.ControlPlane.APIServer.StopTimeout,
	}
	if err := s.Start(); err != nil {
		t.Fatalf("starting a second kube-apiserver: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stopping the second kube-apiserver: %v", err)
		}
	})
	base := &rest.Config{
		Host:            s.SecureServing.URL("https", "").String(),
		TLSClientConfig: rest.TLSClientConfig{CAData: s.CA},
		QPS:             1000, Burst: 2000,
	}
	cfg, err := s.AddUser(envtest.User{Name: "peer-admin", Groups: []string{"system:masters"}}, base)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: e.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
