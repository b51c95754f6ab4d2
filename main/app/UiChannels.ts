/**
 * The IPC channels that carry the companion's UI API between the desktop app's windows and its
 * main process (the headless UI uses HTTP and server-sent events for the same API instead).
 */
export const request = 'allowance:ui-request'
export const event = 'allowance:ui-event'
