import { useState, type FormEvent, type Ref } from 'react';
import type { Customer } from '../../../shared/domain';
import { messageOf, onboarding, unwrap } from '../bridge';
import { BusyButton } from './BusyButton';

export function NewCustomerForm({
  onCreated,
  nameInputRef,
}: {
  onCreated: (customer: Customer) => void;
  /** The name field, which the menu's New Customer puts the keyboard in. */
  nameInputRef?: Ref<HTMLInputElement>;
}) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const customer = await unwrap(onboarding().createCustomer({ id, name }));
      onCreated(customer);
      setId('');
      setName('');
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="new-customer" onSubmit={submit} aria-label="New customer">
      <h3>New customer</h3>
      <label>
        Name
        <input
          ref={nameInputRef}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Acme Ltd"
          required
        />
      </label>
      <label>
        Customer id
        <input
          value={id}
          onChange={(e) => setId(e.target.value)}
          placeholder="acme-ltd"
          aria-describedby="customer-id-hint"
          required
        />
      </label>
      <p id="customer-id-hint" className="muted hint">
        The id your product knows this customer by: StackOne files every account linked for them
        under it.
      </p>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <BusyButton type="submit" busy={saving}>
        {saving ? 'Adding…' : 'Add customer'}
      </BusyButton>
    </form>
  );
}
