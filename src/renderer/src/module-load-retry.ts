/** Chromium's message for a dynamic import whose module (or one it imports) could not be fetched. */
const failedFetchMessage = /^Failed to fetch dynamically imported module: (\S+)$/;

/**
 * Where to import again a module whose dynamic import failed to fetch, or null when the failure was
 * something else (the module ran and threw, say) or named another origin's module.
 *
 * A page keeps a failed module fetch for its whole life in the Chromium of this writing (what
 * whatwg/html#10327 changes), so importing the same URL again fails at once without asking for it;
 * the same file under another URL (`try` in its query, which the app's own server ignores) is
 * fetched anew.
 */
export function moduleUrlToRetry(
  failure: unknown,
  attempt: number,
  pageUrl: string,
): string | null {
  if (!(failure instanceof TypeError)) return null;
  const named = failedFetchMessage.exec(failure.message)?.[1];
  if (named === undefined || !URL.canParse(named)) return null;
  const url = new URL(named);
  const page = new URL(pageUrl);
  // Not by `origin`, which is "null" for every URL of a scheme the URL standard does not know (app:).
  if (url.protocol !== page.protocol || url.host !== page.host) return null;
  url.searchParams.set('try', String(attempt));
  return url.href;
}

/**
 * The import to try after `failure` of a module loaded with `plain`: the same module under a new
 * URL where its fetch failed (`moduleUrlToRetry`), `plain` again otherwise. The module is this
 * app's own chunk, whose exports the caller knows as `T`.
 */
export function importAfterFailure<T>(
  failure: unknown,
  attempt: number,
  pageUrl: string,
  plain: () => Promise<T>,
): () => Promise<T> {
  const retryUrl = moduleUrlToRetry(failure, attempt, pageUrl);
  return retryUrl === null ? plain : () => import(/* @vite-ignore */ retryUrl) as Promise<T>;
}
