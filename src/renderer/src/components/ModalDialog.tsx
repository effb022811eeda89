import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { useKeyboardKeptWithin } from '../use-keyboard-kept-within';

/**
 * A modal dialog over the app. It is rendered outside the app's own tree, which the app makes
 * inert while a dialog is open (see App), so Tab stays in the dialog; keyboard and screen-reader
 * users land in it when it opens (App gives focus back when the last dialog closes).
 */
export function ModalDialog(props: {
  title: string;
  onClose: () => void;
  /** For a caller that moves focus back to the dialog itself. */
  dialogRef?: RefObject<HTMLElement | null>;
  /**
   * Escape closes it. Not for a dialog holding the Hub: the Hub closes its own menus on Escape
   * without marking the event, so the dialog could not tell that Escape from one meant for it.
   */
  closeOnEscape?: boolean;
  children: ReactNode;
}) {
  const ownRef = useRef<HTMLElement>(null);
  const dialogRef = props.dialogRef ?? ownRef;

  useEffect(() => {
    dialogRef.current?.focus();
  }, [dialogRef]);
  // A button that goes once used (a file's addresses taken, say) leaves the keyboard in the dialog,
  // where Escape and Tab still work, not on the page behind it.
  useKeyboardKeptWithin(dialogRef, dialogRef);

  return createPortal(
    <div className="dialog-backdrop">
      <section
        ref={dialogRef}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        tabIndex={-1}
        onKeyDown={(event) => {
          if (props.closeOnEscape === true && event.key === 'Escape' && !event.defaultPrevented) {
            event.preventDefault();
            props.onClose();
          }
        }}
      >
        <div className="dialog-header">
          <h2>{props.title}</h2>
          <button type="button" onClick={props.onClose}>
            Done
          </button>
        </div>
        {props.children}
      </section>
    </div>,
    document.body,
  );
}
