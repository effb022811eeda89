import { useCallback, useEffect, useEffectEvent, useId, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { MenuCommand } from '../../shared/contract';
import {
  type Customer,
  type CustomerSummary,
  type LinkCategory,
  type LinkedAccountView,
  type RelayConnection,
} from '../../shared/domain';
import { isRecordGone, messageOf, onboarding, unwrap } from './bridge';
import { AccountList } from './components/AccountList';
import { BusyButton } from './components/BusyButton';
import { ConnectDialog } from './components/ConnectDialog';
import { CustomerHeading } from './components/CustomerHeading';
import { CustomerList } from './components/CustomerList';
import { CustomersHidden } from './components/CustomersHidden';
import { CustomersFileDialog } from './components/CustomersFileDialog';
import { FindCustomerDialog } from './components/FindCustomerDialog';
import { NewCustomerForm } from './components/NewCustomerForm';
import { RelayIndicator } from './components/RelayIndicator';
import { SendLinkDialog } from './components/SendLinkDialog';
import type { SecondAccount } from './components/SecondAccountChoice';
import { SentLinksSection } from './components/SentLinksSection';
import { SettingsDialog } from './components/SettingsDialog';
import { SlowAnswerNotice } from './components/SlowAnswerNotice';
import { customerToShow, rememberCustomerShown } from './remembered-customer';
import { useCustomerPageBroughtIntoView } from './use-customer-page-brought-into-view';
import { useScrollPaddingUnder } from './use-scroll-padding-under';
import { useTabStopWhileScrolling } from './use-tab-stop-while-scrolling';
import { windowTitle } from './window-title';

export function App() {
  const [customers, setCustomers] = useState<Customer[]>([]);
  const [customersRead, setCustomersRead] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  /**
   * The customer shown alone (the implementer sharing their screen with them): no other is listed
   * or told of meanwhile. Main keeps it (for its notifications, from the app's start on) and says
   * which it is as the customers are read.
   */
  const [shownAloneId, setShownAloneId] = useState<string | null>(null);
  const [accountList, setAccountList] = useState<{
    customerId: string;
    accounts: LinkedAccountView[];
  } | null>(null);
  /** Every customer at a glance, kept current by the customerSummaryChanged events. */
  const [summaries, setSummaries] = useState<ReadonlyMap<string, CustomerSummary>>(new Map());
  const [relay, setRelay] = useState<RelayConnection>({ state: 'connecting', detail: 'Starting…' });
  const [mode, setMode] = useState<'demo' | 'live' | null>(null);
  const [notices, setNotices] = useState<string[]>([]);
  const noticeId = useId();
  const noticesBar = useScrollPaddingUnder<HTMLDivElement>();
  const noticesScrolling = useTabStopWhileScrolling<HTMLDivElement>();
  /** The latest account notice, for screen readers (others see the list and its badges). */
  const [announcement, setAnnouncement] = useState('');
  /** Why the account list is not on disk: shown for as long as it lasts, not dismissed. */
  const [saveProblem, setSaveProblem] = useState<string | null>(null);
  const [openDialog, setOpenDialog] = useState<{
    kind: 'connect' | 'send-link' | 'settings' | 'find-customer' | 'customers-file';
    /** Re-link this account rather than link a new one. */
    relink?: LinkedAccountView;
    /** Send a link for a second account, labelled so (another in place of an expired one). */
    secondAccount?: SecondAccount;
    /** Send a link for this kind of system alone (another in place of an expired one). */
    category?: LinkCategory;
    /** In place of an expired link to re-link an account disconnected since. */
    replacesRelinkOfDisconnected?: boolean;
  } | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  /** Where the keyboard goes when the last link sent is forgotten and its section goes. */
  const sendLinkButton = useRef<HTMLButtonElement>(null);
  const connectButton = useRef<HTMLButtonElement>(null);
  /** Counts the Send a link dialogs closed: the links sent are read again after each. */
  const [sentLinksVersion, setSentLinksVersion] = useState(0);

  // What had focus when a dialog opened from the page gets it back when the last dialog closes
  // (from one dialog to the next, the page behind stays inert and cannot take it), unless the
  // dialog added customers whose page is then brought into view (in one column), after this.
  const dialogOpener = useRef<Element | null>(null);
  const showDialog = (dialog: NonNullable<typeof openDialog>) => {
    if (openDialog === null) dialogOpener.current = document.activeElement;
    setOpenDialog(dialog);
  };
  useEffect(() => {
    if (openDialog !== null) return;
    const opener = dialogOpener.current;
    dialogOpener.current = null;
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  }, [openDialog]);

  useEffect(() => {
    if (selectedId !== null) rememberCustomerShown(selectedId);
  }, [selectedId]);
  // Another customer's page starts at its top, wherever the last one was scrolled to.
  const customerPage = useRef<HTMLElement>(null);
  useEffect(() => {
    customerPage.current?.scrollTo({ top: 0 });
  }, [selectedId]);
  const sidebar = useRef<HTMLElement>(null);
  const customerHeading = useRef<HTMLHeadingElement>(null);
  const bringCustomerPageIntoView = useCustomerPageBroughtIntoView({
    customers: sidebar,
    page: customerPage,
    heading: customerHeading,
  });
  /** A customer picked (in the list, or from a notification): their page is shown. */
  const pickCustomer = (customerId: string) => {
    setSelectedId(customerId);
    bringCustomerPageIntoView();
  };

  // A failure that repeats (Refresh pressed again on a bad network) is said once, not stacked.
  const addNotices = useCallback(
    (messages: string[]) => setNotices((shown) => [...new Set([...shown, ...messages])]),
    [],
  );
  const report = useCallback((error: unknown) => addNotices([messageOf(error)]), [addNotices]);
  /** A record gone is told here, as what showed it goes; another failure is the caller's to say. */
  const reportIfGone = (failure: unknown) => {
    if (!isRecordGone(failure)) throw failure;
    report(failure);
  };
  /** Main is told too: it keeps the choice, and gives no notification of another customer. */
  const changeShownAlone = (customerId: string | null) => {
    setShownAloneId(customerId);
    unwrap(onboarding().showOnlyCustomer({ customerId })).catch(report);
  };

  // The menu's commands, and a notification clicked (its customer shown); none while a dialog
  // is open, as nothing behind it can be used then (and the Hub may be open for a customer).
  const newCustomerName = useRef<HTMLInputElement>(null);
  const customerSearchBox = useRef<HTMLInputElement>(null);
  const customerList = useRef<HTMLUListElement>(null);
  const findInStackOne = useRef<HTMLButtonElement>(null);
  const showAllCustomers = useRef<HTMLButtonElement>(null);
  const showOnlySelected = useRef<HTMLButtonElement>(null);
  const selected = customers.find((c) => c.id === selectedId) ?? null;
  /**
   * Shows the customer alone, or all again, the keyboard on the button that does the reverse
   * (with no such button, one customer or none shown, on the list or the new customer's name).
   */
  const showAlone = (customerId: string | null) => {
    flushSync(() => changeShownAlone(customerId));
    if (customerId !== null) showAllCustomers.current?.focus();
    else
      (
        showOnlySelected.current ??
        customerList.current?.querySelector<HTMLButtonElement>('button') ??
        newCustomerName.current
      )?.focus();
  };
  /**
   * Find Customer: the search box, what was typed selected to type anew; a short list has none,
   * so the customer shown (or the first); with no customer, Find a customer already in StackOne.
   */
  const findCustomer = () => {
    const searchBox = customerSearchBox.current;
    if (searchBox !== null) {
      searchBox.focus();
      searchBox.select();
      return;
    }
    const list = customerList.current;
    const customer =
      list?.querySelector<HTMLButtonElement>('button[aria-current="true"]') ??
      list?.querySelector<HTMLButtonElement>('button');
    (customer ?? findInStackOne.current)?.focus();
  };
  const runMenuCommand = useEffectEvent((command: MenuCommand) => {
    if (openDialog !== null) return;
    const forCustomerShown = command === 'connectIntegration' || command === 'sendLink';
    if (command === 'openSettings') showDialog({ kind: 'settings' });
    else if (forCustomerShown && selected !== null) {
      // From its button, as if pressed: the keyboard goes back to it as the dialog closes.
      (command === 'sendLink' ? sendLinkButton : connectButton).current?.focus();
      showDialog({ kind: command === 'sendLink' ? 'send-link' : 'connect' });
    }
    // With a customer shown alone, the way to the others (to a new one, to a file of them) is
    // Show all: a file's customers already here would be named.
    else if (shownAloneId !== null) showAllCustomers.current?.focus();
    else if (command === 'importOrExportCustomers') showDialog({ kind: 'customers-file' });
    // With no customer shown, a customer comes first.
    else if (command === 'newCustomer' || forCustomerShown) newCustomerName.current?.focus();
    else if (command === 'showOnlyCustomer') {
      if (selected !== null) showAlone(selected.id);
    } else findCustomer();
  });
  const showCustomer = useEffectEvent((customerId: string) => {
    if (
      openDialog === null &&
      (shownAloneId === null || shownAloneId === customerId) &&
      customers.some((customer) => customer.id === customerId)
    )
      pickCustomer(customerId);
  });
  useEffect(() => {
    const bridge = onboarding();
    const offMenu = bridge.on('menuCommand', ({ command }) => runMenuCommand(command));
    const offShow = bridge.on('showCustomer', ({ customerId }) => showCustomer(customerId));
    return () => {
      offMenu();
      offShow();
    };
  }, []);

  // The relay connection may be dead, or a retry half a minute away, when the network is back.
  const checkRelayConnection = useCallback(
    () => void unwrap(onboarding().checkRelayConnection({})).catch(report),
    [report],
  );

  useEffect(() => {
    const bridge = onboarding();
    const offRelay = bridge.on('relayConnectionChanged', setRelay);
    const offNotice = bridge.on('accountNotice', ({ title }) => setAnnouncement(title));
    const offSaveProblem = bridge.on('saveProblemChanged', ({ problem }) =>
      setSaveProblem(problem),
    );
    window.addEventListener('online', checkRelayConnection);
    const offSummaries = bridge.on('customerSummaryChanged', (summary) =>
      setSummaries((current) => new Map(current).set(summary.customerId, summary)),
    );
    // A customer whose summary changed before this answer keeps the event's summary.
    unwrap(bridge.summarizeCustomers({}))
      .then((list) =>
        setSummaries(
          (current) =>
            new Map([...list.map((summary) => [summary.customerId, summary] as const), ...current]),
        ),
      )
      .catch(report);
    unwrap(bridge.getAppStatus({}))
      .then((status) => {
        setMode(status.mode);
        setRelay(status.relay);
        addNotices(status.warnings);
        setSaveProblem(status.saveProblem);
      })
      .catch(report);
    Promise.all([unwrap(bridge.listCustomers({})), unwrap(bridge.getCustomerShownAlone({}))])
      .then(([list, { customerId: alone }]) => {
        setCustomers(list);
        setShownAloneId(alone);
        setCustomersRead(true);
        // Shown alone, but not in this list (the other mode's, say): no other customer is shown.
        setSelectedId(
          (current) =>
            current ??
            (alone === null
              ? customerToShow(list)
              : (list.find((customer) => customer.id === alone)?.id ?? null)),
        );
      })
      .catch(report);
    return () => {
      offRelay();
      offSaveProblem();
      offNotice();
      offSummaries();
      window.removeEventListener('online', checkRelayConnection);
    };
  }, [report, addNotices, checkRelayConnection]);

  useEffect(() => {
    if (selectedId === null) return;
    const bridge = onboarding();
    const off = bridge.on('accountsChanged', (change) => {
      if (change.customerId === selectedId) setAccountList(change);
    });
    unwrap(bridge.listAccounts({ customerId: selectedId }))
      .then((accounts) => setAccountList({ customerId: selectedId, accounts }))
      .catch(report);
    return off;
  }, [selectedId, report]);

  const replaceCustomers = (...changed: Customer[]) => {
    const byId = new Map(changed.map((customer) => [customer.id, customer]));
    setCustomers((list) => list.map((c) => byId.get(c.id) ?? c));
  };

  /** Customers just added (one, or a file's), the first of them shown. */
  const showAddedCustomers = (...added: Customer[]) => {
    const ids = new Set(added.map((customer) => customer.id));
    setCustomers((list) => [...list.filter((c) => !ids.has(c.id)), ...added]);
    if (added[0] !== undefined) setSelectedId(added[0].id);
  };

  const accounts = accountList?.customerId === selectedId ? accountList.accounts : [];
  const title = windowTitle(selected?.name ?? null, mode);
  useEffect(() => {
    document.title = title;
  }, [title]);

  return (
    <>
      {/* While a dialog is open nothing behind it can be focused or clicked. */}
      <div className="app" inert={openDialog !== null}>
        <header className="app-header">
          <h1>StackOne Onboarding</h1>
          {mode === 'demo' && (
            <span
              className="badge badge-demo"
              title="A built-in StackOne simulator and relay; no real systems are touched."
            >
              Demo mode
            </span>
          )}
          {mode === 'live' && (
            <span className="badge badge-live" title="Linking accounts in your StackOne project.">
              Live mode
            </span>
          )}
          <RelayIndicator
            connection={relay}
            onTryNow={checkRelayConnection}
            onOpenSettings={() => showDialog({ kind: 'settings' })}
          />
          <button type="button" onClick={() => showDialog({ kind: 'settings' })}>
            Settings
          </button>
        </header>
        {(saveProblem !== null || notices.length > 0) && (
          <div className="notices-bar" ref={noticesBar}>
            <div
              className="notices-scroll"
              role="region"
              aria-label="Notices"
              {...noticesScrolling}
            >
              {saveProblem !== null && (
                <p className="save-problem" role="alert">
                  {saveProblem}
                </p>
              )}
              {notices.length > 0 && (
                // The alert around the list, not on it: that role would take the list's away.
                <div role="alert">
                  <ul className="notices">
                    {notices.map((notice, i) => (
                      <li key={notice}>
                        <span id={`${noticeId}-${i}`}>{notice}</span>
                        <button
                          type="button"
                          className="link"
                          // Of several, each Dismiss says which notice it dismisses.
                          aria-describedby={`${noticeId}-${i}`}
                          onClick={() => setNotices((n) => n.filter((_, j) => j !== i))}
                        >
                          Dismiss
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </div>
          </div>
        )}
        <div className="layout">
          <aside className="sidebar" ref={sidebar}>
            <div className="sidebar-heading">
              <h2>Customers</h2>
              {shownAloneId === null && selected !== null && customers.length > 1 && (
                <button
                  type="button"
                  className="link"
                  ref={showOnlySelected}
                  title="While you share your screen with them: no other customer is named in the window or in a notification"
                  onClick={() => showAlone(selected.id)}
                >
                  Show only {selected.name}
                </button>
              )}
            </div>
            {shownAloneId !== null ? (
              <CustomersHidden
                customersRead={customersRead}
                customer={selected?.id === shownAloneId ? selected : null}
                onShowAll={() => showAlone(null)}
                showAllRef={showAllCustomers}
              />
            ) : (
              <>
                <CustomerList
                  customers={customers}
                  summaries={summaries}
                  selectedId={selectedId}
                  onSelect={pickCustomer}
                  searchBoxRef={customerSearchBox}
                  listRef={customerList}
                />
                <NewCustomerForm
                  onCreated={(customer) => {
                    showAddedCustomers(customer);
                    bringCustomerPageIntoView();
                  }}
                  nameInputRef={newCustomerName}
                />
                <button
                  type="button"
                  ref={findInStackOne}
                  className="link find-in-stackone"
                  onClick={() => showDialog({ kind: 'find-customer' })}
                >
                  Find a customer already in StackOne…
                </button>
                <button
                  type="button"
                  className="link find-in-stackone"
                  onClick={() => showDialog({ kind: 'customers-file' })}
                >
                  Import or export customers…
                </button>
              </>
            )}
          </aside>
          <main className="content" ref={customerPage}>
            {selected === null ? (
              <p className="empty">
                {shownAloneId === null
                  ? 'Create a customer to start linking their systems.'
                  : 'No customer is shown: Show all customers to choose one.'}
              </p>
            ) : (
              <>
                <div className="content-header">
                  <CustomerHeading
                    key={selected.id}
                    customer={selected}
                    headingRef={customerHeading}
                    accounts={accounts}
                    onChanged={replaceCustomers}
                    onRemoved={(remaining) => {
                      if (shownAloneId !== null) changeShownAlone(null);
                      setCustomers(remaining);
                      setSelectedId(remaining[0]?.id ?? null);
                    }}
                  />
                  <div className="actions">
                    <BusyButton
                      type="button"
                      busy={refreshing}
                      title="Ask StackOne for the current state of every account"
                      onClick={() => {
                        setRefreshing(true);
                        unwrap(onboarding().refreshAccounts({ customerId: selected.id }))
                          .then((accounts) => setAccountList({ customerId: selected.id, accounts }))
                          .catch(report)
                          .finally(() => setRefreshing(false));
                      }}
                    >
                      {refreshing ? 'Refreshing…' : 'Refresh'}
                    </BusyButton>
                    <button
                      type="button"
                      ref={sendLinkButton}
                      title="A link the customer opens on their own device to link their systems"
                      onClick={() => showDialog({ kind: 'send-link' })}
                    >
                      Send a link
                    </button>
                    <button
                      type="button"
                      className="primary"
                      ref={connectButton}
                      onClick={() => showDialog({ kind: 'connect' })}
                    >
                      Connect an integration
                    </button>
                  </div>
                </div>
                <SlowAnswerNotice waiting={refreshing} />
                <AccountList
                  accounts={accounts}
                  onRelink={(account) => showDialog({ kind: 'connect', relink: account })}
                  onVerify={(account) =>
                    unwrap(
                      onboarding().verifyAccount({
                        customerId: selected.id,
                        accountId: account.id,
                      }),
                    ).catch((failure: unknown) => {
                      reportIfGone(failure);
                      return null;
                    })
                  }
                  onDisconnect={(account) =>
                    unwrap(
                      onboarding().disconnectAccount({
                        customerId: selected.id,
                        accountId: account.id,
                      }),
                    )
                      .then((list) => setAccountList({ customerId: selected.id, accounts: list }))
                      .catch(reportIfGone)
                  }
                />
                <SentLinksSection
                  // Its clock starts anew with each customer's links: another's may have expired
                  // since its last tick, and would show as working for a moment.
                  key={selected.id}
                  customer={selected}
                  accounts={accounts}
                  version={sentLinksVersion}
                  onError={report}
                  onLastForgotten={() => sendLinkButton.current?.focus()}
                  demo={mode === 'demo'}
                  onSendAnother={(link) => {
                    const relink = accounts.find((account) => account.id === link.relinkAccountId);
                    showDialog({
                      kind: 'send-link',
                      relink,
                      secondAccount:
                        link.secondAccountLabel === null
                          ? undefined
                          : { label: link.secondAccountLabel },
                      category: link.category ?? undefined,
                      replacesRelinkOfDisconnected:
                        link.relinkAccountId !== null && relink === undefined,
                    });
                  }}
                />
                {openDialog?.kind === 'send-link' && (
                  <SendLinkDialog
                    // Anew when one to re-link an account disconnected meanwhile makes way for an
                    // ordinary one (and the same below).
                    key={openDialog.relink?.id}
                    customer={selected}
                    relink={openDialog.relink}
                    secondAccount={openDialog.secondAccount}
                    category={openDialog.category}
                    replacesRelinkOfDisconnected={openDialog.replacesRelinkOfDisconnected}
                    accounts={accounts}
                    demo={mode === 'demo'}
                    onCustomerChanged={replaceCustomers}
                    onAddressesNotKept={(message) => addNotices([message])}
                    onLinkAnewInstead={() => showDialog({ kind: 'send-link' })}
                    onClose={() => {
                      setOpenDialog(null);
                      setSentLinksVersion((version) => version + 1);
                    }}
                  />
                )}
                {openDialog?.kind === 'connect' && (
                  <ConnectDialog
                    key={openDialog.relink?.id}
                    customer={selected}
                    relink={openDialog.relink}
                    accounts={accounts}
                    onSendLinkInstead={() =>
                      showDialog({ kind: 'send-link', relink: openDialog.relink })
                    }
                    onConnectInstead={() => showDialog({ kind: 'connect' })}
                    onLinked={(account) =>
                      setAccountList((current) =>
                        current === null ||
                        current.customerId !== account.customerId ||
                        current.accounts.some((a) => a.id === account.id)
                          ? current
                          : { ...current, accounts: [...current.accounts, account] },
                      )
                    }
                    onClose={() => setOpenDialog(null)}
                  />
                )}
              </>
            )}
          </main>
        </div>
        {openDialog?.kind === 'settings' && <SettingsDialog onClose={() => setOpenDialog(null)} />}
        {openDialog?.kind === 'find-customer' && (
          <FindCustomerDialog
            onAdded={(customer) => {
              showAddedCustomers(customer);
              setOpenDialog(null);
              bringCustomerPageIntoView();
            }}
            onClose={() => setOpenDialog(null)}
          />
        )}
        {openDialog?.kind === 'customers-file' && (
          <CustomersFileDialog
            onAdded={(added) => {
              showAddedCustomers(...added);
              setOpenDialog(null);
              bringCustomerPageIntoView();
            }}
            onCustomersChanged={(changed) => replaceCustomers(...changed)}
            onClose={() => setOpenDialog(null)}
          />
        )}
      </div>
      {/* Outside the page a dialog makes inert, so that it is heard while one is open. */}
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </>
  );
}
