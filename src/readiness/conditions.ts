/** A Kubernetes status condition, as every kind here writes it. */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown' | string;
  readonly reason?: string;
  readonly message?: string;
}

export function conditionsOf(obj: unknown): Condition[] {
  const status = (obj as { status?: { conditions?: unknown } } | undefined)?.status;
  return Array.isArray(status?.conditions) ? (status.conditions as Condition[]) : [];
}

export function findCondition(obj: unknown, type: string): Condition | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

export function isTrue(obj: unknown, type: string): boolean {
  return findCondition(obj, type)?.status === 'True';
}

/** "reason: message" of a condition, for display. */
export function describeCondition(c: Condition | undefined): string {
  if (!c) return '';
  return [c.reason, c.message].filter((s) => s !== undefined && s !== '').join(': ');
}
