package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pemPair is a certificate and its private key, both PEM encoded.
type pemPair struct{ cert, key []byte }

// pki holds everything the apiserver and its clients need. Files are written
// under DIR/pki so tools (and manage.ts) can use them directly; the same
// bytes are embedded in the kubeconfig.
type pki struct {
	dir        string
	ca         pemPair
	serving    pemPair
	admin      pemPair
	restricted pemPair
}

func (p *pki) path(name string) string { return filepath.Join(p.dir, name) }

// generatePKI creates a fresh CA and the leaf certificates every run: the
// data dir is throwaway, so there is nothing worth reusing.
func generatePKI(dir string) (*pki, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := &pki{dir: dir}

	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTmpl := certTemplate("modelstack-testcluster-ca", nil)
	caTmpl.IsCA = true
	caTmpl.BasicConstraintsValid = true
	caTmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	if p.ca, err = encodePair(caDER, caKey); err != nil {
		return nil, err
	}

	sign := func(t *x509.Certificate) (pemPair, error) { return signLeaf(t, caCert, caKey) }

	serving := certTemplate("kube-apiserver", nil)
	serving.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	serving.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	serving.DNSNames = []string{"localhost"}
	if p.serving, err = sign(serving); err != nil {
		return nil, err
	}
	// The apiserver maps CN to the user name and O to groups.
	if p.admin, err = sign(clientTemplate("modelstack-admin", "system:masters")); err != nil {
		return nil, err
	}
	if p.restricted, err = sign(clientTemplate("modelstack-restricted")); err != nil {
		return nil, err
	}

	files := map[string][]byte{
		"ca.crt": p.ca.cert, "ca.key": p.ca.key,
		"apiserver.crt": p.serving.cert, "apiserver.key": p.serving.key,
		"admin.crt": p.admin.cert, "admin.key": p.admin.key,
		"restricted.crt": p.restricted.cert, "restricted.key": p.restricted.key,
	}
	// Service-account tokens are signed with RSA (RS256 is what every
	// client-side verifier expects).
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	if files["sa.key"], err = encodeKey(saKey); err != nil {
		return nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		return nil, err
	}
	files["sa.pub"] = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	for name, data := range files {
		if err := os.WriteFile(p.path(name), data, 0o600); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func certTemplate(cn string, orgs []string) *x509.Certificate {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: orgs},
		// Back-date a little so small clock differences never matter.
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.Add(365 * 24 * time.Hour),
		KeyUsage:  x509.KeyUsageDigitalSignature,
	}
}

func clientTemplate(user string, groups ...string) *x509.Certificate {
	t := certTemplate(user, groups)
	t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	return t
}

func signLeaf(t, ca *x509.Certificate, caKey crypto.Signer) (pemPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return pemPair{}, err
	}
	der, err := x509.CreateCertificate(rand.Reader, t, ca, key.Public(), caKey)
	if err != nil {
		return pemPair{}, fmt.Errorf("signing %s: %w", t.Subject.CommonName, err)
	}
	return encodePair(der, key)
}

func encodePair(der []byte, key crypto.Signer) (pemPair, error) {
	k, err := encodeKey(key)
	return pemPair{cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key: k}, err
}

func encodeKey(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
