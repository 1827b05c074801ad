// Runs test/gitops/health-eval (built by go-tool.ts): a health script (Lua) and Flux health
// expressions (CEL) on objects, as Argo CD v3.1.0 and Flux (fluxcd/pkg/runtime v0.117.0 cel)
// evaluate them. See health-eval/main.go for what each side matches and where that comes from.
import { execa } from 'execa';

/** What a controller reports for one object; `error` is set when the controller got an error. */
export interface HealthVerdict {
  status?: string;
  message?: string;
  error?: string;
}

export interface HealthEvalInput {
  readonly lua: string;
  readonly cel: { readonly current: string; readonly inProgress?: string; readonly failed?: string };
  readonly objects: readonly object[];
}

export async function runHealthEval(bin: string, input: HealthEvalInput): Promise<Array<{ argocd: HealthVerdict; flux: HealthVerdict }>> {
  const { stdout } = await execa(bin, [], { input: JSON.stringify(input), timeout: 60_000, forceKillAfterDelay: 5_000 });
  return JSON.parse(stdout) as Array<{ argocd: HealthVerdict; flux: HealthVerdict }>;
}
