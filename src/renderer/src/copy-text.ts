/**
 * Copies `text` to the clipboard and resolves to what to tell the user: copied, or to copy it by
 * hand (where there is no clipboard API at all, that is a failure to report too).
 */
export function copyText(
  text: string,
  copiedMessage: string,
  byHandMessage: string,
): Promise<string> {
  return Promise.resolve()
    .then(() => navigator.clipboard.writeText(text))
    .then(
      () => copiedMessage,
      () => byHandMessage,
    );
}
