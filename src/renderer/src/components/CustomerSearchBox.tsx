import type { KeyboardEventHandler, Ref } from 'react';

/** The search box of a customer list (shown from `searchBoxFrom` customers). */
export function CustomerSearchBox({
  label,
  value,
  onChange,
  placeholder = 'Find by name or id',
  inputRef,
  onKeyDown,
  title,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  inputRef?: Ref<HTMLInputElement>;
  onKeyDown?: KeyboardEventHandler<HTMLInputElement>;
  /** What the keys do, as its tooltip and description. */
  title?: string;
}) {
  return (
    <input
      type="search"
      ref={inputRef}
      className="customer-search"
      aria-label={label}
      placeholder={placeholder}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      onKeyDown={onKeyDown}
      title={title}
    />
  );
}
