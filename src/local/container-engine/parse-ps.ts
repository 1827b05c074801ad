/** One row of `<cli> ps -a --format '{{json .}}'`: just enough to find the containers. */
export interface PsRow {
  readonly id: string;
  readonly name: string;
}

/** The rows of `--format '{{json .}}'` output: podman's one JSON array, or docker's and nerdctl's one object a line. */
function jsonRows(stdout: string): unknown[] {
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith('[')) return JSON.parse(text) as unknown[];
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
}

/**
 * Parses `ps --format '{{json .}}'` of any of the three CLIs. podman prints one JSON array
 * (pretty-printed; `[]` when nothing matches) with `Id` and `Names: [..]`; docker and nerdctl
 * print one object per line (nothing when nothing matches) with `ID` and `Names: "a"`.
 */
export function parsePs(stdout: string): PsRow[] {
  const items = jsonRows(stdout);
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
  const items = jsonRows(stdout);
  return items.map((i) => String((i as Record<string, unknown>).Name ?? ''));
}
