// Command testcluster runs a real kube-apiserver backed by an embedded etcd,
// both inside this one process, for modelstack's integration tests.
//
//	testcluster --data-dir DIR [--port N] [--controller-manager BIN] [--kuberay-operator BIN [--kuberay-watch-namespaces NS,...]]
//
// Once /readyz answers it writes DIR/ready.json; SIGTERM or SIGINT shut it
// down and remove that file. test/cluster/manage.ts builds and drives it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

// readyInfo is the content of DIR/ready.json.
type readyInfo struct {
	PID        int    `json:"pid"`
	Server     string `json:"server"`
	Kubeconfig string `json:"kubeconfig"`
	// Controllers run as child processes of this one (controllers.go).
	Controllers []controllerInfo `json:"controllers"`
}

// options are the command line's.
type options struct {
	port              int
	controllerManager string
	kuberayOperator   string
	kuberayNamespaces string
	crds              string
}

// Our own messages go to stdout; stderr is taken over by the apiserver log.
var logger = log.New(os.Stdout, "testcluster: ", log.LstdFlags)

func main() {
	fs := flag.NewFlagSet("testcluster", flag.ExitOnError)
	dataDir := fs.String("data-dir", "", "directory for etcd data, certificates, logs and ready.json (required)")
	var o options
	fs.IntVar(&o.port, "port", 0, "kube-apiserver secure port on 127.0.0.1 (0 picks a free one)")
	fs.StringVar(&o.controllerManager, "controller-manager", "", "kube-controller-manager binary to run against the API server (none if empty)")
	fs.StringVar(&o.kuberayOperator, "kuberay-operator", "", "KubeRay ray-operator binary to run out of cluster (none if empty)")
	fs.StringVar(&o.crds, "crds", "", "comma-separated directories of CRD *.yaml files to create before the controllers start")
	fs.StringVar(&o.kuberayNamespaces, "kuberay-watch-namespaces", "", "comma-separated namespaces the KubeRay operator watches (all if empty)")
	_ = fs.Parse(os.Args[1:])
	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "testcluster: --data-dir is required")
		os.Exit(2)
	}
	dir, err := filepath.Abs(*dataDir)
	if err == nil {
		err = run(dir, o)
	}
	if errors.Is(err, context.Canceled) {
		err = errors.New("interrupted before ready")
	}
	if err != nil {
		logger.Printf("error: %v", err)
		os.Exit(1)
	}
	logger.Printf("stopped")
}

func run(dir string, o options) error {
	port := o.port
	readyFile := filepath.Join(dir, "ready.json")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	_ = os.Remove(readyFile)
	// From here on library logs (klog, gRPC) land in the file, not in ours.
	if err := redirectStderr(filepath.Join(dir, "apiserver.log")); err != nil {
		return err
	}

	// client-go derives the user agent (and so the field manager that the
	// apiserver's own loopback clients record in managedFields) from
	// os.Args[0]; make it read as it does in a real cluster.
	os.Args[0] = "kube-apiserver"
	// The apiserver command installs its own SIGTERM/SIGINT handler when it is
	// created (a second signal makes it exit at once); ours runs alongside
	// and drives the rest of the shutdown.
	cmd := app.NewAPIServerCommand()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	p, err := generatePKI(filepath.Join(dir, "pki"))
	if err != nil {
		return fmt.Errorf("generating certificates: %w", err)
	}
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	if port == 0 {
		port = ports[2]
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", port)

	etcd, etcdURL, err := startEtcd(ctx, filepath.Join(dir, "etcd"), dir, ports[0], ports[1])
	if err != nil {
		return err
	}
	// Runs last, after the apiserver has stopped using etcd.
	defer func() {
		etcd.Close()
		logger.Printf("etcd stopped")
	}()
	logger.Printf("etcd ready at %s", etcdURL)

	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(kubeconfig, server, p); err != nil {
		return err
	}
	cmd.SetArgs(apiserverArgs(p, port, etcdURL))
	exited := make(chan error, 1)
	go func() { exited <- cmd.Execute() }()

	start := time.Now()
	if err := waitReady(ctx, server, p, exited); err != nil {
		return shutdown(err, exited)
	}
	var kids children
	// Controllers stop before the API server they talk to.
	stopAll := func(cause error) error {
		kids.stop(10 * time.Second)
		return shutdown(cause, exited)
	}
	if err := startControllers(ctx, dir, kubeconfig, o, &kids); err != nil {
		return stopAll(err)
	}
	info := readyInfo{PID: os.Getpid(), Server: server, Kubeconfig: kubeconfig, Controllers: kids.infos()}
	if err := writeJSONAtomic(readyFile, info); err != nil {
		return stopAll(err)
	}
	defer os.Remove(readyFile)
	logger.Printf("kube-apiserver ready at %s after %s", server, time.Since(start).Round(time.Millisecond))

	select {
	case <-ctx.Done():
		logger.Printf("signal received, shutting down")
		_ = os.Remove(readyFile) // stop advertising before the slow part
		return stopAll(nil)
	case err := <-exited:
		kids.stop(10 * time.Second)
		return fmt.Errorf("%w: %v", errAPIServerExited, err)
	case err := <-etcd.Err():
		return stopAll(fmt.Errorf("etcd failed: %v", err))
	}
}

// startControllers starts the controllers the options name, once the API server is ready.
// The KubeRay operator counts as started when its readiness probe answers.
func startControllers(ctx context.Context, dir, kubeconfig string, o options, kids *children) error {
	var crdDirs []string
	for _, d := range strings.Split(o.crds, ",") {
		if d = strings.TrimSpace(d); d != "" {
			crdDirs = append(crdDirs, d)
		}
	}
	if err := installCRDs(ctx, kubeconfig, crdDirs); err != nil {
		return err
	}
	if o.controllerManager != "" {
		if _, err := kids.start(dir, "kube-controller-manager", o.controllerManager, controllerManagerArgs(kubeconfig)); err != nil {
			return err
		}
	}
	if o.kuberayOperator != "" {
		ports, err := freePorts(2)
		if err != nil {
			return err
		}
		args := kuberayOperatorArgs(kubeconfig, ports[0], ports[1], o.kuberayNamespaces)
		ch, err := kids.start(dir, "kuberay-operator", o.kuberayOperator, args)
		if err != nil {
			return err
		}
		ch.info.Health = fmt.Sprintf("http://127.0.0.1:%d/readyz", ports[1])
		if err := waitHTTPOK(ctx, ch.info.Health, ch, 60*time.Second); err != nil {
			return err
		}
	}
	return nil
}

// shutdown waits (bounded) for the apiserver goroutine to return. The
// apiserver only stops on a signal, so when we bail out for another reason we
// signal ourselves to trigger its handler.
func shutdown(cause error, exited <-chan error) error {
	if errors.Is(cause, errAPIServerExited) {
		return cause
	}
	if cause != nil && !errors.Is(cause, context.Canceled) {
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}
	select {
	case err := <-exited:
		if err != nil && cause == nil {
			logger.Printf("kube-apiserver: %v", err)
		}
		logger.Printf("kube-apiserver stopped")
	case <-time.After(15 * time.Second):
		logger.Printf("kube-apiserver did not stop within 15s; exiting anyway")
	}
	return cause
}

// writeJSONAtomic writes v to path via a temporary file and a rename, so a
// reader never sees a half-written file.
func writeJSONAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
