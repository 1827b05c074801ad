package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// apiserverArgs mirrors the flags envtest uses for its control plane: RBAC so
// authorization is real, no ServiceAccount admission (there is no
// controller-manager to create the default service accounts).
func apiserverArgs(p *pki, port int, etcdURL string) []string {
	return []string{
		"--advertise-address=127.0.0.1",
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--authorization-mode=RBAC",
		"--disable-admission-plugins=ServiceAccount",
		"--client-ca-file=" + p.path("ca.crt"),
		"--tls-cert-file=" + p.path("apiserver.crt"),
		"--tls-private-key-file=" + p.path("apiserver.key"),
		"--service-account-key-file=" + p.path("sa.pub"),
		"--service-account-signing-key-file=" + p.path("sa.key"),
		"--service-account-issuer=https://127.0.0.1",
		"--etcd-servers=" + etcdURL,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--allow-privileged=true",
		// Keep self-generated files out of /var/run/kubernetes.
		"--cert-dir=" + p.path("generated"),
		// A loopback advertise address cannot be stored in the "kubernetes"
		// Endpoints object; the default lease reconciler would log that
		// validation error every 10s forever.
		"--endpoint-reconciler-type=none",
		"--profiling=false",
	}
}

// redirectStderr points file descriptor 2 at path. The apiserver logs through
// klog to stderr, and so do Go runtime panics; sending fd 2 to a file keeps
// both while leaving stdout for this program's own short messages.
func redirectStderr(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	return unix.Dup3(int(f.Fd()), 2, 0)
}

// writeKubeconfig writes a self-contained kubeconfig (all certs inline) with
// an "admin" and a "restricted" context.
func writeKubeconfig(path, server string, p *pki) error {
	cfg := clientcmdapi.NewConfig()
	for name, pair := range map[string]pemPair{"admin": p.admin, "restricted": p.restricted} {
		cfg.Clusters[name] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: p.ca.cert}
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{ClientCertificateData: pair.cert, ClientKeyData: pair.key}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	}
	cfg.CurrentContext = "admin"
	return clientcmd.WriteToFile(*cfg, path)
}

// errAPIServerExited marks errors after which there is nothing left to stop.
var errAPIServerExited = errors.New("kube-apiserver exited")

// waitReady polls /readyz as the admin user until it answers 200, the
// apiserver goroutine exits (exited receives its error), or ctx ends.
func waitReady(ctx context.Context, server string, p *pki, exited <-chan error) error {
	cert, err := tls.X509KeyPair(p.admin.cert, p.admin.key)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(p.ca.cert)
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}}},
	}
	defer client.CloseIdleConnections()

	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if resp, err := client.Get(server + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("%w before ready: %v", errAPIServerExited, err)
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
