package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"
)

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// installCRDs creates every CustomResourceDefinition in the *.yaml files of dirs (one object
// per file, as upstream ships them; existing ones are left alone) and waits until each is
// Established. An operator that starts before its CRDs exist fails its cache sync, so the
// controllers start only after this.
func installCRDs(ctx context.Context, kubeconfig string, dirs []string) error {
	if len(dirs) == 0 {
		return nil
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	crds := client.Resource(crdResource)
	var names []string
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return fmt.Errorf("no *.yaml CRD files in %s", dir)
		}
		sort.Strings(files)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			obj := &unstructured.Unstructured{}
			if err := yaml.Unmarshal(data, &obj.Object); err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			if obj.GetKind() != "CustomResourceDefinition" {
				return fmt.Errorf("%s: kind %q, want CustomResourceDefinition", file, obj.GetKind())
			}
			if _, err := crds.Create(ctx, obj, metav1.CreateOptions{FieldManager: "testcluster"}); err != nil && !apierrors.IsAlreadyExists(err) {
				return fmt.Errorf("creating CRD %s from %s: %w", obj.GetName(), file, err)
			}
			names = append(names, obj.GetName())
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for _, name := range names {
		for {
			live, err := crds.Get(ctx, name, metav1.GetOptions{})
			if err == nil && established(live) {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("CRD %s not Established within 60s", name)
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	logger.Printf("CRDs established: %s", strings.Join(names, ", "))
	return nil
}

func established(crd *unstructured.Unstructured) bool {
	conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conditions {
		if m, ok := c.(map[string]any); ok && m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}
