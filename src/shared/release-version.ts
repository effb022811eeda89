import { name, version } from '../../package.json';

/**
 * This release's version, package.json's (as Electron's `app.getVersion()` gives it): the app and
 * the relay are released together, so it is each one's.
 */
export const releaseVersion: string = version;

/**
 * How the app names itself to the relay (its stream connection's User-Agent), which logs it beside
 * what a client does wrong: `stackone-onboarding/0.1.0`.
 */
export const appUserAgent = `${name}/${version}`;
