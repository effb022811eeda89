import type { ButtonHTMLAttributes } from 'react';

/**
 * A button that does nothing while its action runs, without being disabled: a disabled button
 * loses the keyboard's focus to the page's start (Chromium), so someone who pressed it by keyboard,
 * then read the error beside it, would have to find their place again. `aria-disabled` says it is
 * unavailable meanwhile; `disabled` stays for a button that cannot be used at all.
 */
export function BusyButton(
  props: ButtonHTMLAttributes<HTMLButtonElement> & {
    busy: boolean;
    type: 'button' | 'submit';
  },
) {
  const { busy, onClick, ...rest } = props;
  return (
    <button
      {...rest}
      aria-disabled={busy || undefined}
      onClick={(event) => {
        if (busy) {
          // A submit button's click would submit its form again.
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
    />
  );
}
