import { describe, expect, it } from 'vitest';
import { checkEmailToLine, emailToLineText } from '../../src/renderer/src/email-to-line';

describe('the Email it to line', () => {
  it('takes addresses separated by commas or semicolons, each once, in the order typed', () => {
    expect(checkEmailToLine(' it@acme.example ')).toEqual({ addresses: ['it@acme.example'] });
    expect(checkEmailToLine('it@acme.example;hr@acme.example , IT@acme.example,,')).toEqual({
      addresses: ['it@acme.example', 'hr@acme.example'],
    });
    expect(checkEmailToLine(' ; , ')).toEqual({ addresses: [] });
    expect(emailToLineText(['it@acme.example', 'hr@acme.example'])).toBe(
      'it@acme.example, hr@acme.example',
    );
    expect(emailToLineText(undefined)).toBe('');
  });

  it('names the first part that is not an address, and refuses more than 10', () => {
    expect(checkEmailToLine('it@acme.example, it at acme, hr@')).toEqual({
      problem:
        '“it at acme” is not an email address: correct it (like it@customer.example; several separated by commas), or empty the field to choose whom in the mail app.',
      reason: '“it at acme” is not an email address',
    });
    // Spaces alone do not separate addresses.
    expect(checkEmailToLine('it@acme.example hr@acme.example')).toHaveProperty('problem');
    const many = Array.from({ length: 11 }, (_, i) => `it${i}@acme.example`);
    expect(checkEmailToLine(many.slice(0, 10).join(','))).toEqual({ addresses: many.slice(0, 10) });
    expect(checkEmailToLine(many.join(','))).toEqual({
      problem: 'At most 10 addresses: for more, email it to a mailing list.',
      reason: 'more than 10 addresses',
    });
  });
});
