// A default import with its attribute: Node's own loader (the e2e tests' harness runs this file
// through it) takes JSON no other way.
import packageJson from '../../package.json' with { type: 'json' };

/**
 * This release's version, package.json's (as Electron's `app.getVersion()` gives it): the app and
 * the relay are released together, so it is each one's.
 */
export const releaseVersion: string = packageJson.version;

/**
 * How the app names itself to the relay (its stream connection's User-Agent), which logs it beside
 * what a client does wrong: `stackone-onboarding/0.1.0`.
 */
export const appUserAgent = `${packageJson.name}/${packageJson.version}`;
