/** Adds `by` to a count, dropping it at zero (so the claim's lists stay as short as what is busy). */
export function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
