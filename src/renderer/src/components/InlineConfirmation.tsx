import type { ReactNode } from 'react';
import { BusyButton } from './BusyButton';

/**
 * "Are you sure?" in place of the button that asked: the safe choice has the keyboard, and Escape
 * takes it. The caller puts focus back on its own button when the question goes unanswered.
 */
export function InlineConfirmation(props: {
  /** The question, as the group's accessible name: "Disconnect BambooHR?" */
  question: string;
  /** What happens, said before the buttons. */
  children: ReactNode;
  confirmText: string;
  /** Shown on the confirm button while the action runs (none for one that is done at once). */
  busyText?: string;
  cancelText: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const busy = props.busy === true;
  return (
    <div
      role="group"
      aria-label={props.question}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || busy) return;
        // One step back: the question goes, not a dialog around it.
        event.stopPropagation();
        event.preventDefault();
        props.onCancel();
      }}
    >
      <p className="muted">{props.children}</p>
      <span className="confirmation-buttons">
        <BusyButton type="button" className="danger" busy={busy} onClick={props.onConfirm}>
          {busy ? props.busyText : props.confirmText}
        </BusyButton>
        <button type="button" disabled={busy} autoFocus onClick={props.onCancel}>
          {props.cancelText}
        </button>
      </span>
    </div>
  );
}
