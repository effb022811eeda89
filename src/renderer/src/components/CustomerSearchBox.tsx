/** The search box of a customer list (shown from `searchBoxFrom` customers). */
export function CustomerSearchBox(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
}) {
  return (
    <input
      type="search"
      className="customer-search"
      aria-label={props.label}
      placeholder={props.placeholder ?? 'Find by name or id'}
      value={props.value}
      onChange={(event) => props.onChange(event.target.value)}
    />
  );
}
