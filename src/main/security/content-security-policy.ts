/**
 * The renderer's Content-Security-Policy, sent as a response header. Scripts only from the app;
 * network access only to the active profile's StackOne (or simulator) origin.
 */
export function buildContentSecurityPolicy(options: { hubBaseUrl: string }): string {
  const hubOrigin = new URL(options.hubBaseUrl).origin;
  return [
    "default-src 'self'",
    "script-src 'self'",
    // The Hub injects its styles into its shadow root at run time.
    "style-src 'self' 'unsafe-inline'",
    // Connector logos come from the Hub's `logo_url`s, whose origin StackOne does not document;
    // an image cannot run code, so any https origin may serve one.
    `img-src 'self' data: ${hubOrigin} https:`,
    "font-src 'self' data:",
    `connect-src 'self' ${hubOrigin}`,
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
