/**
 * The text of a file a spreadsheet saved: UTF-8 where it is (Excel's "CSV UTF-8", LibreOffice,
 * Google Sheets), else Windows-1252, which Excel's plain "CSV" writes on Windows, so that "München"
 * is read as such rather than with a replacement character.
 */
export function spreadsheetText(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
