import { describe, expect, it } from 'vitest';
import { readCustomersFile, writeCustomersFile } from '../../src/main/customers-file';

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
    expect(
      readCustomersFile('Name;ID;E-Mail-Adresse\nMüller AG;mueller;it@mueller.example\n').rows,
    ).toEqual([
      { line: 2, id: 'mueller', name: 'Müller AG', contactEmails: ['it@mueller.example'] },
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

describe('a customer list written to a CSV file', () => {
  const createdAt = '2026-12-04T10:00:00.000Z';
  it('writes what it reads back: names with commas and quotes, several addresses, none', () => {
    const customers = [
      {
        id: 'acme',
        name: 'Acme, "the" Ltd',
        createdAt,
        contactEmails: ['it@acme.example', 'hr@acme.example'],
      },
      { id: 'globex', name: 'Globex', createdAt },
    ];
    const text = writeCustomersFile(customers);
    expect(text).toBe(
      'name,id,emails\r\n"Acme, ""the"" Ltd",acme,it@acme.example; hr@acme.example\r\nGlobex,globex,\r\n',
    );
    expect(readCustomersFile(text).rows).toEqual([
      {
        line: 2,
        id: 'acme',
        name: 'Acme, "the" Ltd',
        contactEmails: ['it@acme.example', 'hr@acme.example'],
      },
      { line: 3, id: 'globex', name: 'Globex' },
    ]);
  });

  it('keeps a spreadsheet from running a name as a formula, and reads the name back as it was', () => {
    const customers = [
      { id: 'formula', name: '=HYPERLINK("http://evil.example","Open")', createdAt },
      { id: '-dash', name: '+Plus', createdAt },
      { id: 'quoted', name: "'Quoted", createdAt },
    ];
    const text = writeCustomersFile(customers);
    expect(text.split('\r\n').slice(1, 4)).toEqual([
      `"'=HYPERLINK(""http://evil.example"",""Open"")",formula,`,
      "'+Plus,'-dash,",
      "'Quoted,quoted,",
    ]);
    expect(readCustomersFile(text).rows.map((row) => [row.name, row.id])).toEqual([
      ['=HYPERLINK("http://evil.example","Open")', 'formula'],
      ['+Plus', '-dash'],
      ["'Quoted", 'quoted'],
    ]);
  });
});
