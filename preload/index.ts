import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import * as UiChannels from '../main/app/UiChannels.js'
import type * as UiApi from '../main/uiapi/Contract.js'

// The renderer's whole view of the main process: the companion's UI API and its live events,
// typed, minimal, and free of secrets. The main process checks every request it receives.
const api = {
  platform: process.platform,
  /** Calls the companion's UI API (the same routes the headless UI reaches over HTTP). */
  request: (request: UiApi.Request): Promise<UiApi.Reply> => ipcRenderer.invoke(UiChannels.request, request),
  /** Live events of the UI API; returns the unsubscribe. */
  onEvent(listener: (event: UiApi.Event) => void): () => void {
    const forward = (_event: IpcRendererEvent, event: UiApi.Event) => listener(event)
    ipcRenderer.on(UiChannels.event, forward)
    return () => void ipcRenderer.off(UiChannels.event, forward)
  },
}

export type AllowanceApi = typeof api

contextBridge.exposeInMainWorld('allowance', api)
