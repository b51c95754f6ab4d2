// What a release needs from the environment to be signed, and on macOS notarized. electron-builder
// reads these variables itself; a release build (forceCodeSigning, as `npm run release:app` sets)
// checks them first, so that it fails at once and says which are missing, instead of shipping an
// app that Gatekeeper blocks or whose Windows updates fail their signature check.

/** The missing variables for a release on `os` (mac, win, linux), each said in words; empty when none. */
export function missing(os, env) {
  const has = (...names) => names.every((name) => !!env[name])
  const problems = []
  if (os === 'mac') {
    if (!has('CSC_LINK') && !has('CSC_NAME')) {
      problems.push('CSC_LINK and CSC_KEY_PASSWORD: the Developer ID Application certificate (.p12, a path or base64) and its password; or CSC_NAME for one in the keychain')
    }
    if (!has('APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER') && !has('APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID') && !has('APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE')) {
      problems.push('APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER (an App Store Connect API key), or APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID: for notarization')
    }
  }
  if (os === 'win' && !has('WIN_CSC_LINK') && !has('CSC_LINK')) {
    problems.push('WIN_CSC_LINK (or CSC_LINK) and WIN_CSC_KEY_PASSWORD: an Authenticode certificate whose subject is win.signtoolOptions.publisherName, which the updater checks every update against')
  }
  return problems
}
