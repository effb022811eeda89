import type { Connector } from './catalogue';

/** A small SVG mark for a connector, served locally so the Hub never reaches the internet. */
export function connectorLogoSvg(connector: Connector): string {
  const initial = connector.name.charAt(0).toUpperCase();
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="${connector.logoColour}"/><text x="32" y="43" font-family="Arial, sans-serif" font-size="32" font-weight="700" text-anchor="middle" fill="#ffffff">${initial}</text></svg>`;
}
