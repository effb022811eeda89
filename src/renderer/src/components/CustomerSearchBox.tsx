/** The search box of a customer list (shown from `searchBoxFrom` customers). */
export function CustomerSearchBox(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <input
      type="search"
      className="customer-search"
      aria-label={props.label}
      placeholder="Find by name or id"
      value={props.value}
      onChange={(event) => props.onChange(event.target.value)}
    />
  );
}
