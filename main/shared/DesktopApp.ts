/**
 * How a bridge reaches the desktop app when it finds no companion. A host entry written by the
 * packaged app runs the bridge on the Node runtime the app ships (its Electron binary cannot run
 * as Node: the `runAsNode` fuse is off), and that runtime cannot load the app's native modules,
 * built for Electron; so instead of `allowance daemon` the bridge opens the app itself, in its tray.
 */

/** The environment variable of such an entry: the program that opens the app (its executable, or the AppImage). */
export const launcherVariable = 'ALLOWANCE_APP'

/** The argument that opens the app in its tray, without a window. */
export const inTrayArgument = '--in-tray'

/** The environment variable `allowance start` gives the app it starts from a checkout: the Node its bridges run on. */
export const nodeVariable = 'ALLOWANCE_NODE'
