import { describe, expect, it } from 'vitest';
import { readCustomersFile } from '../../src/main/customers-file';

describe('a customer list read from a CSV file', () => {
  it('takes the columns by their names, in any order, with quoted cells and several addresses', () => {
    const text = [
      'Region,Id,Name,Emails',
      'EU,acme,"Acme, Ltd","it@acme.example; hr@acme.example"',
      'US,globex,Globex,',
      '',
    ].join('\r\n');
    expect(readCustomersFile(text)).toEqual({
      rows: [
        {
          line: 2,
          id: 'acme',
          name: 'Acme, Ltd',
          contactEmails: ['it@acme.example', 'hr@acme.example'],
        },
        { line: 3, id: 'globex', name: 'Globex' },
      ],
      problems: [],
    });
  });

  it("reads a spreadsheet's semicolons (and its byte-order mark) or tabs, and headers as people write them", () => {
    // One delimiter for the whole file: the comma in a semicolon-separated cell stays in it.
    const semicolons =
      '\uFEFFCustomer name;Customer ID;Contact email\nMünchen GmbH, Sales;muc-1;it@muc.example, hr@muc.example\n';
    expect(readCustomersFile(semicolons).rows).toEqual([
      {
        line: 2,
        id: 'muc-1',
        name: 'München GmbH, Sales',
        contactEmails: ['it@muc.example', 'hr@muc.example'],
      },
    ]);
    expect(readCustomersFile('name\tid\nInitech\tinitech\n').rows).toEqual([
      { line: 2, id: 'initech', name: 'Initech' },
    ]);
  });

  it('names the line of each row that is not a customer, and keeps the rest', () => {
    const text = [
      'name,id,emails',
      'Acme Ltd,acme,',
      'Spaced,has space,',
      ',no-name,',
      'Acme again,acme,',
      'Mailer,mailer,it at mailer',
      '',
      'Umbrella,umbrella,',
    ].join('\n');
    const { rows, problems } = readCustomersFile(text);
    expect(rows.map((row) => [row.line, row.id])).toEqual([
      [2, 'acme'],
      [8, 'umbrella'],
    ]);
    expect(problems).toEqual([
      {
        line: 3,
        message: 'A customer id may contain only letters, digits and . _ : @ - (no spaces).',
      },
      { line: 4, message: 'Enter the customer name.' },
      { line: 5, message: 'The id "acme" is on line 2 already.' },
      { line: 6, message: '"it at mailer" is not an email address.' },
    ]);
  });

  it('says what is wrong with a file that is not a customer list, whole', () => {
    expect(readCustomersFile('').problems).toEqual([
      { line: null, message: 'The file has no rows.' },
    ]);
    expect(readCustomersFile('Company,Phone\nAcme,555\n').problems).toEqual([
      {
        line: 1,
        message:
          'The first row must name the columns, with one called "name" and one called "id" (and, if you have them, "emails"); it has "Company", "Phone".',
      },
    ]);
    expect(readCustomersFile('name,id\n"Acme,acme\n')).toEqual({
      rows: [],
      problems: [
        {
          line: null,
          message: expect.stringMatching(/^The file is not a CSV file the app can read/),
        },
      ],
    });
  });
});
