// health-eval evaluates modelstack's generated GitOps health checks the way the controllers do,
// so that the jest test in test/gitops can compare them with the TypeScript readiness verdict.
//
// Objects are decoded as unstructured.Unstructured (k8s.io/apimachinery), as both controllers
// hold live objects: integers as int64, other numbers as float64.
//
// Flux (CEL): Flux's own code, not a re-implementation. github.com/fluxcd/pkg/runtime v0.117.0,
// package cel: NewStatusEvaluator builds the evaluator from a Kustomization's healthCheckExprs
// entry (kustomize.HealthCheckExpressions) and StatusEvaluator.Evaluate gives the kstatus result,
// which is what kustomize-controller's custom status reader (cel/status_reader.go) reports.
//
// Argo CD (Lua): written here to match argo-cd v3.1.0 util/lua/lua.go (VM.runLua and
// VM.ExecuteHealthLua) and how gitops-engine's health.GetResourceHealth and argo-cd's
// controller/health.go take the result. It does not import argo-cd's util/lua: that package pulls
// in Argo CD's API types, gRPC clients and built-in scripts (1412 packages against this helper's
// 646), and its cold build here did not finish within 15 minutes. What is matched:
//   - the VM: gopher-lua at Argo CD v3.1.0's version (v1.1.1). A script set through argocd-cm
//     `resource.customizations.health.<group>_<kind>` runs with useOpenLibs false (util/settings
//     settings.go: only `resource.customizations.useOpenLibs.<group>_<kind>` turns it on), so
//     the VM opens only package, base and table, plus an `os` holding only time and date (Argo
//     CD's oslib_safe.go, which takes them from gopher-lua), also reachable through require("os").
//     No string, math, io or debug library;
//   - the deadline: one second per script;
//   - the object, set as the global `obj`: maps become tables, lists become sequences built by
//     appending (so a null list element is dropped), bools, strings and numbers become Lua
//     values, anything else nil;
//   - the result: the value left on top of the stack. A table is encoded with
//     layeh.com/gopher-json (Argo CD's version) and decoded into {status, message}; a decode
//     type error (a list, a non-string status) is an empty health; a status outside Healthy,
//     Progressing, Suspended, Degraded, Missing, Unknown becomes Unknown with the message
//     "Lua returned an invalid health status". nil (or no return) is an empty health. Any other
//     value, and a script error (the run error's Lua stack trace removed), is an error, which
//     gitops-engine turns into Unknown with the error text as message. An empty health has no
//     status: Argo CD shows none and it does not change the application's health.
//
// Not matched: gitops-engine reports an object with a deletionTimestamp (and no hook finalizer)
// as Progressing "Pending deletion" without running the script; no case here is being deleted.
//
// Input on stdin (JSON): {"lua": "...", "cel": {"current": "...", "inProgress": "...", "failed": "..."},
// "objects": [ ... ]}. Output on stdout (JSON): one {"argocd": {...}, "flux": {...}} per object,
// each {status, message, error}: status and message as the controller reports them, error set
// when the controller got an error (a script error, an expression that fails to evaluate).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	kustomize "github.com/fluxcd/pkg/apis/kustomize"
	fluxcel "github.com/fluxcd/pkg/runtime/cel"
	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	luajson "layeh.com/gopher-json"
)

type input struct {
	Lua     string                           `json:"lua"`
	Cel     kustomize.HealthCheckExpressions `json:"cel"`
	Objects []json.RawMessage                `json:"objects"`
}

type verdict struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

type result struct {
	ArgoCD verdict `json:"argocd"`
	Flux   verdict `json:"flux"`
}

func main() {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		fail(fmt.Errorf("input: %w", err))
	}
	evaluator, err := fluxcel.NewStatusEvaluator(&in.Cel)
	if err != nil {
		fail(fmt.Errorf("flux: %w", err))
	}
	out := make([]result, 0, len(in.Objects))
	for i, rawObj := range in.Objects {
		obj := &unstructured.Unstructured{}
		if err := obj.UnmarshalJSON(rawObj); err != nil {
			fail(fmt.Errorf("object %d: %w", i, err))
		}
		out = append(out, result{ArgoCD: argoHealth(in.Lua, obj), Flux: fluxHealth(evaluator, obj)})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "health-eval:", err)
	os.Exit(2)
}

// ---------------------------------------------------------------- Flux (CEL)

func fluxHealth(e *fluxcel.StatusEvaluator, obj *unstructured.Unstructured) verdict {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := e.Evaluate(ctx, obj)
	if err != nil {
		return verdict{Error: err.Error()}
	}
	return verdict{Status: string(res.Status), Message: res.Message}
}

// ---------------------------------------------------------------- Argo CD (Lua)

// The health statuses a script may return (gitops-engine pkg/health, used by argo-cd v3.1.0).
var argoHealthStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Suspended": true, "Degraded": true, "Missing": true, "Unknown": true,
}

func argoHealth(script string, obj *unstructured.Unstructured) verdict {
	hs, err := runArgoScript(script, obj)
	if err != nil {
		return verdict{Status: "Unknown", Message: err.Error(), Error: err.Error()}
	}
	return hs
}

func runArgoScript(script string, obj *unstructured.Unstructured) (verdict, error) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.OsLibName, lua.OpenOs}} {
		if err := L.CallByParam(lua.P{Fn: L.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return verdict{}, fmt.Errorf("opening %s: %w", lib.name, err)
		}
	}
	restrictOs(L)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("actionParams", L.NewTable())
	L.SetGlobal("obj", toLua(L, obj.Object))
	if err := L.DoString(script); err != nil {
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) && apiErr.Type == lua.ApiErrorRun {
			apiErr.StackTrace = ""
			return verdict{}, apiErr
		}
		return verdict{}, err
	}
	ret := L.Get(-1)
	switch ret.Type() {
	case lua.LTNil:
		return verdict{}, nil
	case lua.LTTable:
		encoded, err := luajson.Encode(ret)
		if err != nil {
			return verdict{}, err
		}
		var hs struct {
			Status  string `json:"status,omitempty"`
			Message string `json:"message,omitempty"`
		}
		if err := json.Unmarshal(encoded, &hs); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				return verdict{}, nil
			}
			return verdict{}, err
		}
		if !argoHealthStatuses[hs.Status] {
			return verdict{Status: "Unknown", Message: "Lua returned an invalid health status"}, nil
		}
		return verdict{Status: hs.Status, Message: hs.Message}, nil
	default:
		return verdict{}, fmt.Errorf("expect table output from Lua script, not %s", ret.Type())
	}
}

// restrictOs leaves `os` (the global, package.loaded.os and require("os")) with only gopher-lua's
// os.time and os.date, the two functions Argo CD's safe os library offers.
func restrictOs(L *lua.LState) {
	full, _ := L.GetGlobal(lua.OsLibName).(*lua.LTable)
	safe := L.NewTable()
	if full != nil {
		for _, name := range []string{"time", "date"} {
			safe.RawSetString(name, full.RawGetString(name))
		}
	}
	L.SetGlobal(lua.OsLibName, safe)
	if loaded, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable); ok {
		loaded.RawSetString(lua.OsLibName, safe)
	}
	L.PreloadModule(lua.OsLibName, func(L *lua.LState) int {
		L.Push(safe)
		return 1
	})
}

// toLua converts an unstructured value the way Argo CD hands objects to scripts.
func toLua(L *lua.LState, v any) lua.LValue {
	switch t := v.(type) {
	case map[string]any:
		tbl := L.CreateTable(0, len(t))
		for k, e := range t {
			tbl.RawSetH(lua.LString(k), toLua(L, e))
		}
		return tbl
	case []any:
		tbl := L.CreateTable(len(t), 0)
		for _, e := range t {
			tbl.Append(toLua(L, e))
		}
		return tbl
	case string:
		return lua.LString(t)
	case bool:
		return lua.LBool(t)
	case int64:
		return lua.LNumber(t)
	case int32:
		return lua.LNumber(t)
	case int:
		return lua.LNumber(t)
	case float64:
		return lua.LNumber(t)
	case json.Number:
		return lua.LString(t)
	default:
		return lua.LNil
	}
}
