type TypedField = HTMLInputElement | HTMLTextAreaElement;

/** The kinds of field a person types into (not a checkbox, a hidden value or a button). */
const typedInputTypes = new Set(['', 'text', 'password', 'email', 'url', 'tel', 'number']);

/** A field of the Hub's connector form: its integration search, outside any form, is not. */
function connectorFormField(target: EventTarget | undefined): TypedField | null {
  if (target instanceof HTMLTextAreaElement) return target.closest('form') === null ? null : target;
  if (target instanceof HTMLInputElement && typedInputTypes.has(target.type))
    return target.closest('form') === null ? null : target;
  return null;
}

/**
 * Tells whether anything was typed in the Hub's connector form (the customer's credentials, say)
 * that is still there. The Hub draws itself in a shadow root and says nothing of its form, so each
 * of its fields is noted as it first takes the keyboard (focus events leave the shadow root, and
 * name the field in their composed path), with the value it had then: a re-link's settings, filled
 * in by the Hub, are not typing; a field emptied again, or gone with the form, is nothing to lose.
 */
export function watchHubTyping(area: HTMLElement): { typed: () => boolean; stop: () => void } {
  const valuesAtFirstFocus = new Map<TypedField, string>();
  const noteField = (event: FocusEvent) => {
    const field = connectorFormField(event.composedPath()[0]);
    if (field !== null && !valuesAtFirstFocus.has(field))
      valuesAtFirstFocus.set(field, field.value);
  };
  area.addEventListener('focusin', noteField);
  return {
    typed: () =>
      [...valuesAtFirstFocus].some(
        ([field, before]) => field.isConnected && field.value.trim() !== before.trim(),
      ),
    stop: () => area.removeEventListener('focusin', noteField),
  };
}
