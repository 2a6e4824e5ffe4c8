/** Damerau-free Levenshtein distance; inputs here are short keys and ids. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** The closest candidate, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  if (bestDistance <= limit) return best;
  // "sunday" for "sun", "Deploy" for "Deployment": a prefix is a plausible slip too.
  const lower = word.toLowerCase();
  for (const c of candidates)
    if (c.length >= 3 && (lower.startsWith(c.toLowerCase()) || c.toLowerCase().startsWith(lower))) return c;
  return undefined;
}

/** " (did you mean "x"?)" or " (expected one of: a, b)" — the tail of an "unknown …" message. */
export function suggestion(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  if (near !== undefined) return ` (did you mean "${near}"?)`;
  return candidates.length > 0 ? ` (expected one of: ${candidates.join(", ")})` : "";
}

/** Only the " (did you mean "x"?)" part, for messages that list the candidates themselves. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  return near !== undefined ? ` (did you mean "${near}"?)` : "";
}
