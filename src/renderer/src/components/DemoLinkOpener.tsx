import type { ReactNode } from 'react';

/**
 * Opens an auth link in the browser, for the demo only: its StackOne runs on this computer, so the
 * customer's phone or computer could not reach the link, and the implementer plays their part here.
 */
export function DemoLinkOpener(props: {
  url: string;
  /** Names the link where the words shown do not (a row of several links). */
  accessibleName?: string;
  children: ReactNode;
}) {
  return (
    <a
      className="button"
      href={props.url}
      target="_blank"
      rel="noreferrer"
      aria-label={props.accessibleName}
      title="In the demo a link opens on this computer only: play the customer’s part here"
    >
      {props.children}
    </a>
  );
}
