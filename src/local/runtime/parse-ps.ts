/** One row of `<cli> ps -a --format '{{json .}}'`: just enough to find the containers. */
export interface PsRow {
  readonly id: string;
  readonly name: string;
}

/**
 * Parses `ps --format '{{json .}}'` of any of the three CLIs. podman prints one JSON array
 * (pretty-printed; `[]` when nothing matches) with `Id` and `Names: [..]`; docker and nerdctl
 * print one object per line (nothing when nothing matches) with `ID` and `Names: "a"`.
 */
export function parsePs(stdout: string): PsRow[] {
  const text = stdout.trim();
  if (!text) return [];
  const items: unknown[] = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
  return items.map((item) => {
    const o = item as Record<string, unknown>;
    const id = String(o.Id ?? o.ID ?? '');
    const names = o.Names;
    const name = Array.isArray(names) ? String(names[0] ?? '') : String(names ?? '').split(',')[0]!;
    return { id, name };
  });
}

/** The `Name` of each row of `volume ls --format '{{json .}}'` (podman: one array; docker, nerdctl: lines). */
export function parseNames(stdout: string): string[] {
  const text = stdout.trim();
  if (!text) return [];
  const items: unknown[] = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
  return items.map((i) => String((i as Record<string, unknown>).Name ?? ''));
}
