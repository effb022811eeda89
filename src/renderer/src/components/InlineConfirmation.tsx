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
  /** Shown on the confirm button while the action runs. */
  busyText: string;
  cancelText: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div
      role="group"
      aria-label={props.question}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || props.busy) return;
        // One step back: the question goes, not a dialog around it.
        event.stopPropagation();
        event.preventDefault();
        props.onCancel();
      }}
    >
      <p className="muted">{props.children}</p>
      <span className="confirmation-buttons">
        <BusyButton type="button" className="danger" busy={props.busy} onClick={props.onConfirm}>
          {props.busy ? props.busyText : props.confirmText}
        </BusyButton>
        <button type="button" disabled={props.busy} autoFocus onClick={props.onCancel}>
          {props.cancelText}
        </button>
      </span>
    </div>
  );
}
