import { useState, type Key, type ReactNode } from 'react';
import { customersFileMaxChars } from '../../../shared/contract';
import type { Customer, CustomersFile } from '../../../shared/domain';
import { messageOf, onboarding, unwrap } from '../bridge';
import { countText } from '../count-text';
import { spreadsheetText } from '../spreadsheet-text';
import { useTabStopWhileScrolling } from '../use-tab-stop-while-scrolling';
import { BusyButton } from './BusyButton';
import { ModalDialog } from './ModalDialog';

/** Customers named in the dialog; the rest counted. */
const namesShown = 50;

/**
 * Adds the customers of a list kept in a spreadsheet (the accounts to onboard this quarter, say),
 * saved as CSV: main reads and checks the file, the dialog shows what it would add, then adds it.
 */
export function CustomersFileDialog(props: {
  onAdded: (customers: Customer[]) => void;
  /** Customers here whose addresses the file's replaced. */
  onCustomersChanged: (customers: Customer[]) => void;
  onClose: () => void;
}) {
  const [file, setFile] = useState<{ name: string; read: CustomersFile } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const [adding, setAdding] = useState(false);
  const [takingAddresses, setTakingAddresses] = useState(false);
  const [addressesOutcome, setAddressesOutcome] = useState('');

  const choose = (chosen: File | undefined) => {
    setFile(null);
    setError(null);
    setAddressesOutcome('');
    if (chosen === undefined) return;
    if (chosen.size > customersFileMaxChars) {
      setError(
        `${chosen.name} is over 2 MiB: that is not a list of customers. Choose another file.`,
      );
      return;
    }
    setReading(true);
    chosen
      .arrayBuffer()
      .then((bytes) => unwrap(onboarding().readCustomersFile({ text: spreadsheetText(bytes) })))
      .then((read) => setFile({ name: chosen.name, read }))
      .catch((failure: unknown) => setError(messageOf(failure)))
      .finally(() => setReading(false));
  };

  const add = (toAdd: CustomersFile['toAdd']) => {
    setAdding(true);
    setError(null);
    unwrap(onboarding().createCustomers({ customers: toAdd }))
      .then(props.onAdded)
      .catch((failure: unknown) => setError(messageOf(failure)))
      .finally(() => setAdding(false));
  };

  /** The file's addresses for the customers here it gives others for; the rest as they were. */
  const takeAddresses = (chosen: { name: string; read: CustomersFile }) => {
    setTakingAddresses(true);
    setError(null);
    unwrap(
      onboarding().saveCustomersContactEmails({
        customers: chosen.read.otherAddresses.map(({ id, contactEmails }) => ({
          id,
          contactEmails,
        })),
      }),
    )
      .then((changed) => {
        props.onCustomersChanged(changed);
        setFile({ ...chosen, read: { ...chosen.read, otherAddresses: [] } });
        setAddressesOutcome(
          `${countText(changed.length, 'customer’s links are', 'customers’ links are')} now emailed to the file’s addresses.`,
        );
      })
      .catch((failure: unknown) => setError(messageOf(failure)))
      .finally(() => setTakingAddresses(false));
  };

  const [saveOutcome, setSaveOutcome] = useState('');
  /** Hands the file to the system (Electron asks where to save it; a browser downloads it). */
  const save = () => {
    setSaveOutcome('');
    unwrap(onboarding().exportCustomersFile({}))
      .then(({ text, customers }) => {
        const name = `customers-${new Date().toISOString().slice(0, 10)}.csv`;
        // The byte-order mark tells spreadsheets the file is UTF-8 ("München", not "MÃ¼nchen").
        const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type: 'text/csv' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = name;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
        setSaveOutcome(`${countText(customers, 'customer', 'customers')} in ${name}.`);
      })
      .catch((failure: unknown) => setSaveOutcome(messageOf(failure)));
  };

  const read = file?.read;
  return (
    <ModalDialog title="Import or export customers" onClose={props.onClose} closeOnEscape>
      <h3>From a spreadsheet</h3>
      <p className="muted">
        A CSV file, as a spreadsheet saves it: a first row naming the columns, one called “name” and
        one called “id” (the id your product knows each customer by) and, if you have them, “emails”
        (whom their links are emailed to; several with semicolons between). Customers already here
        are left as they are, but for their addresses if you choose the file’s.
      </p>
      <label>
        CSV file
        <input
          type="file"
          accept=".csv,text/csv"
          disabled={reading || adding}
          onChange={(event) => {
            const chosen = event.target.files?.[0];
            // Emptied, so that the same file, mended, is taken when chosen again.
            event.target.value = '';
            choose(chosen);
          }}
        />
      </label>
      <p role="status" className="muted">
        {reading ? 'Reading the file…' : ''}
      </p>
      {file !== null && read !== undefined && (
        <section aria-label={`What ${file.name} holds`}>
          {read.toAdd.length === 0 ? (
            <p>No customer to add from {file.name}.</p>
          ) : (
            <>
              <p id="customers-to-add">
                {countText(read.toAdd.length, 'customer', 'customers')} to add from {file.name}:
              </p>
              <FileRows
                labelledBy="customers-to-add"
                items={read.toAdd.map((row) => ({
                  key: row.id,
                  content: (
                    <>
                      {row.name} <span className="muted">{row.id}</span>
                    </>
                  ),
                }))}
                shown={namesShown}
              />
            </>
          )}
          {read.alreadyHere.length > 0 && (
            <p className="muted">
              Already here, left as they are:{' '}
              {read.alreadyHere
                .slice(0, namesShown)
                .map((row) => `${row.name} (${row.id})`)
                .join(', ')}
              {read.alreadyHere.length > namesShown &&
                ` and ${(read.alreadyHere.length - namesShown).toLocaleString()} more`}
              .
            </p>
          )}
          {read.otherAddresses.length > 0 && (
            <>
              <p id="file-other-addresses">
                The file has other addresses for {read.otherAddresses.length.toLocaleString()} of
                them:
              </p>
              <FileRows
                labelledBy="file-other-addresses"
                items={read.otherAddresses.map((row) => ({
                  key: row.id,
                  content: (
                    <>
                      {row.name}: {row.contactEmails.join(', ')}{' '}
                      <span className="muted">
                        (now {row.current.length === 0 ? 'none' : row.current.join(', ')})
                      </span>
                    </>
                  ),
                }))}
                shown={namesShown}
              />
              <BusyButton
                type="button"
                busy={takingAddresses}
                onClick={() => file !== null && takeAddresses(file)}
              >
                {takingAddresses
                  ? 'Taking the addresses…'
                  : `Use the file’s addresses for ${countText(read.otherAddresses.length, 'customer', 'customers')}`}
              </BusyButton>
            </>
          )}
          <p role="status" className="muted">
            {addressesOutcome}
          </p>
          {read.problems.length > 0 && (
            <>
              <p id="file-lines-not-added">
                Not added (mend these in the file and choose it again):
              </p>
              <FileRows
                labelledBy="file-lines-not-added"
                error
                items={read.problems.map((problem, i) => ({
                  key: i,
                  content: `${problem.line === null ? '' : `Line ${problem.line}: `}${problem.message}`,
                }))}
              />
            </>
          )}
          {read.toAdd.length > 0 && (
            <BusyButton
              type="button"
              className="primary"
              busy={adding}
              onClick={() => add(read.toAdd)}
            >
              {adding ? 'Adding…' : `Add ${countText(read.toAdd.length, 'customer', 'customers')}`}
            </BusyButton>
          )}
        </section>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <h3>To another computer</h3>
      <p className="muted">
        A new laptop, or customers handed to a colleague: save this app’s customers to a file (the
        same columns), and import it there. Their accounts come from StackOne; links sent stay here.
      </p>
      <button type="button" onClick={save}>
        Save the customers to a file
      </button>
      <p role="status" className="muted">
        {saveOutcome}
      </p>
    </ModalDialog>
  );
}

/**
 * A file's rows in a box: a long list scrolls in it (a tab stop while it does), the buttons below
 * it in view; past `shown` rows, how many more.
 */
function FileRows(props: {
  labelledBy: string;
  error?: boolean;
  items: readonly { key: Key; content: ReactNode }[];
  shown?: number;
}) {
  const scrolling = useTabStopWhileScrolling<HTMLUListElement>();
  const shown = props.shown ?? props.items.length;
  return (
    <ul
      className={props.error === true ? 'error file-rows' : 'file-rows'}
      {...scrolling}
      aria-labelledby={props.labelledBy}
    >
      {props.items.slice(0, shown).map((item) => (
        <li key={item.key}>{item.content}</li>
      ))}
      {props.items.length > shown && (
        <li className="muted">and {(props.items.length - shown).toLocaleString()} more</li>
      )}
    </ul>
  );
}
