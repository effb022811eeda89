import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import {
  customerContactEmailsMax,
  customerContactEmailsSchema,
  customerIdSchema,
  customerNameSchema,
  type Customer,
  type CustomersFileRow,
  type CustomersFileProblem,
} from '../shared/domain';

/**
 * What a spreadsheet's header may call each column (compared without case, spaces or marks): the
 * names, the ids, and for the addresses any header with "mail" in it ("E-mail", "E-Mail-Adresse").
 */
const isColumn = {
  name: (key: string) =>
    ['name', 'customer', 'customername', 'company', 'companyname'].includes(key),
  id: (key: string) => ['id', 'customerid', 'originownerid', 'ownerid'].includes(key),
  emails: (key: string) => key.includes('mail'),
};
type Column = keyof typeof isColumn;
/** A row of cells, and the line of the file it ended on. */
interface RecordWithLine {
  record: string[];
  info: { lines: number };
}

const headerKey = (cell: string) =>
  cell
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

const firstProblem = (error: { issues: readonly { message: string }[] }) =>
  error.issues[0]?.message ?? 'not valid';

/**
 * What separates the cells: a spreadsheet writes commas, or semicolons where the comma is the
 * decimal mark, or tabs. The header row (names, rarely quoted) has the most of the one used; one
 * delimiter for the whole file, so that a comma inside a semicolon-separated cell stays in it.
 */
function delimiterOf(text: string): string {
  const header = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const count = (delimiter: string) => header.split(delimiter).length - 1;
  return [',', ';', '\t'].reduce((best, delimiter) =>
    count(delimiter) > count(best) ? delimiter : best,
  );
}

/**
 * Reads a customer list saved as CSV by a spreadsheet (comma, semicolon or tab between cells, as
 * the spreadsheet's locale has it): a header row naming a name and an id column, and optionally
 * the addresses their links are emailed to (several in one cell, commas or semicolons between).
 * Each row becomes a customer, or a problem that names its line; nothing is thrown for a bad row.
 */
export function readCustomersFile(text: string): {
  rows: CustomersFileRow[];
  problems: CustomersFileProblem[];
} {
  let records: RecordWithLine[];
  try {
    // With `info`, each record comes with where it was read; the types know only plain records.
    records = parse(text, {
      bom: true,
      delimiter: delimiterOf(text),
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      info: true,
    }) as unknown as RecordWithLine[];
  } catch (error) {
    const where =
      error instanceof CsvError && 'lines' in error ? ` (line ${String(error.lines)})` : '';
    return {
      rows: [],
      problems: [{ line: null, message: `The file is not a CSV file the app can read${where}.` }],
    };
  }
  const [header, ...body] = records;
  if (header === undefined)
    return { rows: [], problems: [{ line: null, message: 'The file has no rows.' }] };
  const columnOf = (column: Column) =>
    header.record.findIndex((cell) => isColumn[column](headerKey(cell)));
  const name = columnOf('name');
  const id = columnOf('id');
  const emails = columnOf('emails');
  if (name < 0 || id < 0)
    return {
      rows: [],
      problems: [
        {
          line: header.info.lines,
          message: `The first row must name the columns, with one called "name" and one called "id" (and, if you have them, "emails"); it has ${header.record.map((cell) => `"${cell}"`).join(', ')}.`,
        },
      ],
    };

  const rows: CustomersFileRow[] = [];
  const problems: CustomersFileProblem[] = [];
  const lineOfId = new Map<string, number>();
  for (const { record: cells, info } of body) {
    const record = cells.map(unguardedCell);
    const line = info.lines;
    const problem = (message: string) => problems.push({ line, message });
    const idRead = customerIdSchema.safeParse(record[id] ?? '');
    if (!idRead.success) {
      problem(firstProblem(idRead.error));
      continue;
    }
    const nameRead = customerNameSchema.safeParse(record[name] ?? '');
    if (!nameRead.success) {
      problem(firstProblem(nameRead.error));
      continue;
    }
    const earlier = lineOfId.get(idRead.data);
    if (earlier !== undefined) {
      problem(`The id "${idRead.data}" is on line ${String(earlier)} already.`);
      continue;
    }
    const addresses = (emails < 0 ? '' : (record[emails] ?? ''))
      .split(/[,;]/)
      .map((address) => address.trim())
      .filter((address) => address !== '');
    let contactEmails: string[] | undefined;
    if (addresses.length > 0) {
      const emailsRead = customerContactEmailsSchema.safeParse(addresses);
      if (!emailsRead.success) {
        const bad = addresses.find(
          (address) => !customerContactEmailsSchema.element.safeParse(address).success,
        );
        problem(
          bad !== undefined
            ? `"${bad}" is not an email address.`
            : `At most ${String(customerContactEmailsMax)} addresses.`,
        );
        continue;
      }
      contactEmails = emailsRead.data;
    }
    lineOfId.set(idRead.data, line);
    rows.push({
      line,
      id: idRead.data,
      name: nameRead.data,
      ...(contactEmails !== undefined && { contactEmails }),
    });
  }
  return { rows, problems };
}

/**
 * A spreadsheet runs a cell that starts with = + - or @ as a formula: such a cell (a customer
 * named "=HYPERLINK(...)" by whoever named the account) is written behind an apostrophe, which
 * spreadsheets show as text, and read back without it.
 */
const formulaStart = /^[=+\-@\t\r]/;
const guardedCell = (cell: string) => (formulaStart.test(cell) ? `'${cell}` : cell);
const unguardedCell = (cell: string) =>
  cell.startsWith("'") && formulaStart.test(cell.slice(1)) ? cell.slice(1) : cell;

/** The customers as a CSV file that `readCustomersFile` reads back (for another computer). */
export function writeCustomersFile(customers: readonly Customer[]): string {
  return stringify(
    customers.map((customer) => ({
      name: guardedCell(customer.name),
      id: guardedCell(customer.id),
      emails: guardedCell((customer.contactEmails ?? []).join('; ')),
    })),
    { header: true, columns: ['name', 'id', 'emails'], record_delimiter: 'windows' },
  );
}
