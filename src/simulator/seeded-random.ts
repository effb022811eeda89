/** A small deterministic generator (mulberry32), so a seeded simulator produces the same ids. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A StackOne-style numeric id of `length` digits. */
export function numericId(random: () => number, length = 20): string {
  let id = String(1 + Math.floor(random() * 9));
  while (id.length < length) id += String(Math.floor(random() * 10));
  return id;
}
