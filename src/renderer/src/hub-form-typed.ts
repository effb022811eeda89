/** The kinds of field a person types into (not a checkbox, a hidden value or a button). */
const typedFieldTypes = new Set([
  '',
  'text',
  'password',
  'email',
  'url',
  'tel',
  'number',
  'search',
]);

/**
 * Whether anything is typed in the Hub's connector form (the customer's credentials, say). The
 * Hub draws itself in an open shadow root and says nothing of its form, so its fields are read
 * where they are: inside a form, which its integration search is not. Should a later Hub draw
 * them otherwise, none is found, and closing asks nothing, as before this check (the e2e test
 * that types into the real Hub's form says so on the upgrade).
 */
export function hubFormHasTyping(area: Element): boolean {
  const roots: (Element | ShadowRoot)[] = [area];
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i];
    if (root === undefined) break;
    for (const element of root.querySelectorAll('*'))
      if (element.shadowRoot !== null) roots.push(element.shadowRoot);
  }
  return roots.some((root) =>
    [
      ...root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('form input, form textarea'),
    ].some(
      (field) =>
        (field instanceof HTMLTextAreaElement || typedFieldTypes.has(field.type)) &&
        field.value.trim() !== '',
    ),
  );
}
