import { describe, expect, it } from 'vitest';
import { spreadsheetText } from '../../src/renderer/src/spreadsheet-text';

const bytes = (values: number[]) => new Uint8Array(values).buffer;

describe("a spreadsheet file's text", () => {
  it('is read as UTF-8 where it is, its byte-order mark dropped', () => {
    const utf8 = new TextEncoder().encode('\uFEFFname,id\nMünchen GmbH,muc\n');
    expect(spreadsheetText(utf8.buffer as ArrayBuffer)).toBe('name,id\nMünchen GmbH,muc\n');
  });

  it("is read as Windows-1252 where it is not UTF-8, as Excel's plain CSV writes it", () => {
    // "Müller; Café" in Windows-1252: ü is 0xFC and é 0xE9, single bytes UTF-8 does not allow.
    const ansi = bytes([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x3b, 0x20, 0x43, 0x61, 0x66, 0xe9]);
    expect(spreadsheetText(ansi)).toBe('Müller; Café');
  });
});
