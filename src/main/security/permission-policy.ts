/**
 * Which of Chromium's permission requests the app window is granted: only writing sanitized text
 * to the clipboard (the "Copy link" button). Everything else (camera, notifications, reading the
 * clipboard, ...) is refused.
 */
export function isPermissionGranted(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}
