import type { Ref } from 'react';

/** A field for the addresses a customer's links are emailed to, several separated by commas. */
export function EmailAddressesInput({
  ref,
  ...props
}: {
  ref?: Ref<HTMLInputElement>;
  value: string;
  onChange: (typed: string) => void;
  onBlur?: () => void;
  invalid: boolean;
  /** The id of the help or error text under the field. */
  describedBy: string;
  autoFocus?: boolean;
}) {
  return (
    // Text, not type="email": a list of addresses would fail the browser's own check (and
    // `multiple` would drop the spaces after the commas).
    <input
      ref={ref}
      type="text"
      inputMode="email"
      spellCheck={false}
      autoCapitalize="off"
      autoComplete="off"
      placeholder="it@customer.example"
      value={props.value}
      aria-invalid={props.invalid}
      aria-describedby={props.describedBy}
      autoFocus={props.autoFocus}
      onChange={(event) => props.onChange(event.target.value)}
      onBlur={props.onBlur}
    />
  );
}
