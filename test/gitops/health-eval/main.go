// health-eval evaluates modelstack's generated GitOps health checks the way the controllers do,
// so that the jest test in test/gitops can compare them with the TypeScript readiness verdict:
//
//   - the Argo CD health script (Lua) on github.com/yuin/gopher-lua, the Lua VM Argo CD runs
//     health scripts on: the object is handed to the script as the global `obj`, and the script
//     returns a table with `status` and `message`;
//   - the Flux healthCheckExprs (CEL) on github.com/google/cel-go with the environment options of
//     fluxcd/pkg/runtime/cel (expression.go, runtime v0.117.0: parsed, not compiled, so every
//     top-level field of the object is a variable) and the order of its StatusEvaluator
//     (status_evaluator.go): a status.observedGeneration that differs from metadata.generation is
//     InProgress; then inProgress, failed, current; none true is InProgress.
//
// Input on stdin (JSON): {"lua": "...", "cel": {"current": "...", "inProgress": "...", "failed": "..."},
// "objects": [ ... ]}. Output on stdout (JSON): one {"argocd": {...}, "flux": {...}} per object.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
	lua "github.com/yuin/gopher-lua"
)

type input struct {
	Lua string `json:"lua"`
	Cel struct {
		Current    string `json:"current"`
		InProgress string `json:"inProgress"`
		Failed     string `json:"failed"`
	} `json:"cel"`
	Objects []json.RawMessage `json:"objects"`
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
	exprs, err := compileFlux(in)
	if err != nil {
		fail(err)
	}
	out := make([]result, 0, len(in.Objects))
	for _, rawObj := range in.Objects {
		obj, err := decodeUnstructured(rawObj)
		if err != nil {
			fail(err)
		}
		out = append(out, result{ArgoCD: runLua(in.Lua, obj), Flux: runFlux(exprs, obj)})
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "health-eval:", err)
	os.Exit(2)
}

// decodeUnstructured decodes JSON as Kubernetes' unstructured objects hold it: integers as int64,
// other numbers as float64.
func decodeUnstructured(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	m, ok := convertNumbers(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("an object must be a JSON object")
	}
	return m, nil
}

func convertNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = convertNumbers(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = convertNumbers(e)
		}
		return t
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	default:
		return v
	}
}

// ---------------------------------------------------------------- Argo CD (Lua)

func runLua(script string, obj map[string]any) verdict {
	// Only the base, table, string and math libraries: a script that runs with these runs in
	// Argo CD, whatever else its VM opens.
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, open := range []lua.LGFunction{lua.OpenBase, lua.OpenTable, lua.OpenString, lua.OpenMath} {
		open(L)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoString(script); err != nil {
		return verdict{Error: err.Error()}
	}
	ret := L.Get(-1)
	hs, ok := ret.(*lua.LTable)
	if !ok {
		return verdict{Error: fmt.Sprintf("the script returned %s, not a table", ret.Type())}
	}
	status, _ := hs.RawGetString("status").(lua.LString)
	message, _ := hs.RawGetString("message").(lua.LString)
	return verdict{Status: string(status), Message: string(message)}
}

// toLua converts an unstructured value as Argo CD does: maps to tables, lists to tables indexed
// from 1, numbers to Lua numbers, nil to nil.
func toLua(L *lua.LState, v any) lua.LValue {
	switch t := v.(type) {
	case map[string]any:
		tbl := L.NewTable()
		for k, e := range t {
			tbl.RawSetString(k, toLua(L, e))
		}
		return tbl
	case []any:
		tbl := L.NewTable()
		for i, e := range t {
			tbl.RawSetInt(i+1, toLua(L, e))
		}
		return tbl
	case string:
		return lua.LString(t)
	case bool:
		return lua.LBool(t)
	case int64:
		return lua.LNumber(t)
	case float64:
		return lua.LNumber(t)
	case nil:
		return lua.LNil
	default:
		return lua.LString(fmt.Sprint(t))
	}
}

// ---------------------------------------------------------------- Flux (CEL)

type fluxExprs struct {
	current, inProgress, failed cel.Program
}

func compileFlux(in input) (*fluxExprs, error) {
	env, err := cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Sets(),
		ext.Encoders(),
	)
	if err != nil {
		return nil, err
	}
	parse := func(name, expr string) (cel.Program, error) {
		if expr == "" {
			return nil, nil
		}
		ast, iss := env.Parse(expr)
		if iss != nil && iss.Err() != nil {
			return nil, fmt.Errorf("cel %s: %s", name, iss.Err())
		}
		return env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.InterruptCheckFrequency(100))
	}
	if in.Cel.Current == "" {
		return nil, fmt.Errorf("cel current: missing (Flux requires it)")
	}
	var e fluxExprs
	if e.current, err = parse("current", in.Cel.Current); err != nil {
		return nil, err
	}
	if e.inProgress, err = parse("inProgress", in.Cel.InProgress); err != nil {
		return nil, err
	}
	if e.failed, err = parse("failed", in.Cel.Failed); err != nil {
		return nil, err
	}
	return &e, nil
}

func runFlux(e *fluxExprs, obj map[string]any) verdict {
	if status, ok := obj["status"].(map[string]any); ok {
		if observed, ok := status["observedGeneration"].(int64); ok {
			if meta, ok := obj["metadata"].(map[string]any); ok {
				if generation, ok := meta["generation"].(int64); ok && generation != observed {
					return verdict{Status: "InProgress", Message: "observedGeneration differs from generation"}
				}
			}
		}
	}
	for _, step := range []struct {
		prog   cel.Program
		status string
	}{{e.inProgress, "InProgress"}, {e.failed, "Failed"}, {e.current, "Current"}} {
		if step.prog == nil {
			continue
		}
		val, _, err := step.prog.ContextEval(context.Background(), obj)
		if err != nil {
			return verdict{Error: err.Error()}
		}
		b, ok := val.(types.Bool)
		if !ok {
			return verdict{Error: fmt.Sprintf("not a boolean: %v", val)}
		}
		if b {
			return verdict{Status: step.status}
		}
	}
	return verdict{Status: "InProgress"}
}
