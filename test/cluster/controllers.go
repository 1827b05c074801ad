package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// controllerInfo describes one controller process in DIR/ready.json.
type controllerInfo struct {
	Name string `json:"name"`
	PID  int    `json:"pid"`
	Log  string `json:"log"`
	// Health is the operator's health probe URL, when it has one.
	Health string `json:"health,omitempty"`
}

// controllerManagerArgs: the controllers above Pods that modelstack's tests need
// (kube-controller-manager --help, v1.36.3, lists them). No ServiceAccount controllers:
// the API server runs without ServiceAccount admission (apiserver.go), so Pods need no
// default ServiceAccount. --secure-port=0: no serving endpoint at all; health is judged by
// the controllers' work (test/cluster/manage.ts probeControllers).
func controllerManagerArgs(kubeconfig string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--controllers=deployment,replicaset,namespace,garbagecollector,job",
		"--kube-api-qps=100",
		"--kube-api-burst=200",
	}
}

// kuberayOperatorArgs: flags of ray-operator v1.6.0 (its main.go) plus controller-runtime's
// -kubeconfig. Metrics and health probes listen on loopback only.
func kuberayOperatorArgs(kubeconfig string, metricsPort, probePort int, watchNamespaces string) []string {
	args := []string{
		"-kubeconfig=" + kubeconfig,
		"-enable-leader-election=false",
		fmt.Sprintf("-metrics-addr=127.0.0.1:%d", metricsPort),
		fmt.Sprintf("-health-probe-bind-address=127.0.0.1:%d", probePort),
		"-log-stdout-encoder=console",
	}
	if watchNamespaces != "" {
		args = append(args, "-watch-namespace="+watchNamespaces)
	}
	return args
}

// children runs controller processes tied to this one: each gets SIGKILL from the kernel
// if this process dies (Pdeathsig), and stop() ends them with SIGTERM first.
type children struct {
	mu    sync.Mutex
	procs []*child
}

type child struct {
	info controllerInfo
	cmd  *exec.Cmd
	done chan struct{}
}

// start runs bin with args, its output appended to DIR/<name>.log.
func (c *children) start(dir, name, bin string, args []string) (*child, error) {
	logPath := filepath.Join(dir, name+".log")
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	ch := &child{done: make(chan struct{})}
	started := make(chan error, 1)
	// Pdeathsig fires when the thread that started the child exits, so the goroutine keeps
	// its thread locked for the child's whole life.
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(ch.done)
		defer out.Close()
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = out, out
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		ch.cmd = cmd
		ch.info = controllerInfo{Name: name, PID: cmd.Process.Pid, Log: logPath}
		started <- nil
		err := cmd.Wait()
		logger.Printf("%s (pid %d) exited: %v", name, cmd.Process.Pid, err)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting %s (%s): %w", name, bin, err)
	}
	c.mu.Lock()
	c.procs = append(c.procs, ch)
	c.mu.Unlock()
	logger.Printf("%s started, pid %d (log: %s)", name, ch.info.PID, logPath)
	return ch, nil
}

func (c *children) infos() []controllerInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]controllerInfo, 0, len(c.procs))
	for _, p := range c.procs {
		out = append(out, p.info)
	}
	return out
}

// stop sends SIGTERM to every child, then SIGKILL to those still running after grace.
func (c *children) stop(grace time.Duration) {
	c.mu.Lock()
	procs := append([]*child(nil), c.procs...)
	c.mu.Unlock()
	for _, p := range procs {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	deadline := time.After(grace)
	for _, p := range procs {
		select {
		case <-p.done:
		case <-deadline:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
}

// waitHTTPOK polls url until it answers 200, the child exits, or timeout passes.
func waitHTTPOK(ctx context.Context, url string, ch *child, timeout time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ch.done:
			return fmt.Errorf("%s exited before %s answered (see %s)", ch.info.Name, url, ch.info.Log)
		case <-ctx.Done():
			return fmt.Errorf("%s: %s did not answer 200 within %s (see %s)", ch.info.Name, url, timeout, ch.info.Log)
		case <-tick.C:
		}
	}
}
